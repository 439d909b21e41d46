import { Module, OnModuleInit } from '@nestjs/common';
import { InjectModel, MongooseModule } from '@nestjs/mongoose';
import { EventSubscriber, MemoryProcessedEvents, OutboxRelay } from '@rekey/events';
import { KAFKA } from '@rekey/platform';
import { Kafka } from 'kafkajs';
import type { Model } from 'mongoose';
import { RevocationsModule } from '../revocations/revocations.module';
import { ROOM_CACHE_SUBSCRIBER, RoomCache } from './room-cache';
import { ROOM_MODEL, RoomDocument, roomSchema } from './room.schema';
import { RoomsController } from './rooms.controller';
import { RoomsRepository } from './rooms.repository';
import { RoomsService } from './rooms.service';
import { TagsController } from './tags.controller';

@Module({
  imports: [MongooseModule.forFeature([{ name: ROOM_MODEL, schema: roomSchema }]), RevocationsModule],
  controllers: [RoomsController, TagsController],
  providers: [
    RoomsRepository,
    RoomsService,
    RoomCache,
    // The cache's group is per replica and its handler idempotent: de-duplication in memory spares
    // MongoDB a write per event (chat tokens included) per replica.
    { provide: ROOM_CACHE_SUBSCRIBER, inject: [KAFKA], useFactory: (kafka: Kafka) => new EventSubscriber(kafka, new MemoryProcessedEvents()) },
  ],
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
