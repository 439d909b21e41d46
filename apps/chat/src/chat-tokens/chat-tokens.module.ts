import { Module } from '@nestjs/common';
import { DurablePublishingModule } from '@rekey/events';
import { RoomsModule } from '../rooms/rooms.module';
import { ChatTokensController } from './chat-tokens.controller';
import { ChatTokensService } from './chat-tokens.service';

@Module({
  imports: [DurablePublishingModule, RoomsModule],
  controllers: [ChatTokensController],
  providers: [ChatTokensService],
})
export class ChatTokensModule {}
