import { Module } from '@nestjs/common';
import { RevocationsModule } from '../revocations/revocations.module';
import { RoomsModule } from '../rooms/rooms.module';
import { MessagingController } from './messaging.controller';
import { MessagingService } from './messaging.service';

@Module({
  imports: [RoomsModule, RevocationsModule],
  controllers: [MessagingController],
  providers: [MessagingService],
})
export class MessagingModule {}
