import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { EVENT_TYPES, RoomEventData } from '@rekey/contracts';
import { ROOM_CACHE_SUBSCRIPTION, RoomCache } from './room-cache';

/** Keeps every replica's room cache up to date from the room events of rekey.chat.v1. */
@Controller()
export class RoomEventsController {
  constructor(private readonly cache: RoomCache) {}

  @EventPattern(EVENT_TYPES.chat.RoomCreated, ROOM_CACHE_SUBSCRIPTION)
  roomCreated(@Payload() room: RoomEventData): void {
    this.cache.remember(room);
  }

  @EventPattern(EVENT_TYPES.chat.RoomUpdated, ROOM_CACHE_SUBSCRIPTION)
  roomUpdated(@Payload() room: RoomEventData): void {
    this.cache.remember(room);
  }

  @EventPattern(EVENT_TYPES.chat.RoomDeleted, ROOM_CACHE_SUBSCRIPTION)
  roomDeleted(@Payload() room: RoomEventData): void {
    this.cache.forget(room);
  }
}
