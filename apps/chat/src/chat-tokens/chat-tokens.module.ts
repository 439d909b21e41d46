import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { RoomsModule } from '../rooms/rooms.module';
import { ChatTokensController } from './chat-tokens.controller';
import { ChatTokensService } from './chat-tokens.service';
import { DurablePublisher } from './durable-publisher';
import { PENDING_EVENT_MODEL, pendingEventSchema } from './pending-event.schema';
import { PendingEventsRepository } from './pending-events.repository';

@Module({
  imports: [MongooseModule.forFeature([{ name: PENDING_EVENT_MODEL, schema: pendingEventSchema }]), RoomsModule],
  controllers: [ChatTokensController],
  providers: [ChatTokensService, DurablePublisher, PendingEventsRepository],
})
export class ChatTokensModule {}
