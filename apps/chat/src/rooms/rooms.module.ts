import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { RevocationsModule } from '../revocations/revocations.module';
import { RoomCache } from './room-cache';
import { RoomEventsController } from './room-events.controller';
import { ROOM_MODEL, roomSchema } from './room.schema';
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
export class RoomsModule {}
