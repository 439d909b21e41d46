import { Module, OnModuleInit } from '@nestjs/common';
import { InjectModel, MongooseModule } from '@nestjs/mongoose';
import { OutboxRelay } from '@rekey/events';
import type { Model } from 'mongoose';
import { RevocationsModule } from '../revocations/revocations.module';
import { RoomCache } from './room-cache';
import { RoomEventsController } from './room-events.controller';
import { ROOM_MODEL, RoomDocument, roomSchema } from './room.schema';
import { RoomsController } from './rooms.controller';
import { RoomsRepository } from './rooms.repository';
import { RoomsService } from './rooms.service';
import { TagsController } from './tags.controller';

@Module({
  imports: [MongooseModule.forFeature([{ name: ROOM_MODEL, schema: roomSchema }]), RevocationsModule],
  controllers: [RoomsController, TagsController, RoomEventsController],
  providers: [RoomsRepository, RoomsService, RoomCache],
  exports: [RoomsRepository, RoomCache],
})
export class RoomsModule implements OnModuleInit {
  constructor(
    private readonly relay: OutboxRelay,
    @InjectModel(ROOM_MODEL) private readonly model: Model<RoomDocument>,
  ) {}

  onModuleInit(): void {
    this.relay.watch(this.model);
  }
}
