import { Controller, Type } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { EVENT_TYPES, RoomEventData } from '@rekey/contracts';
import { RoomProjection } from './room-projection.service';

/**
 * The durable room projection's consumer group: one per gateway database (the projection it
 * fills), so that every database gets every room, from the beginning of `rekey.chat.v1`.
 */
export const roomProjectionGroup = (mongoUri: string) => `chat-gateway.rooms.${new URL(mongoUri).pathname.slice(1) || 'default'}`;

/** The controller writing the durable projection for the consumer group `group`. */
export function roomProjectionController(group: string): Type<unknown> {
  const subscription = { group, fromBeginning: true };

  @Controller()
  class RoomProjectionController {
    constructor(private readonly projection: RoomProjection) {}

    @EventPattern(EVENT_TYPES.chat.RoomCreated, subscription)
    roomCreated(@Payload() room: RoomEventData): Promise<void> {
      return this.projection.persistRoom(room);
    }

    @EventPattern(EVENT_TYPES.chat.RoomUpdated, subscription)
    roomUpdated(@Payload() room: RoomEventData): Promise<void> {
      return this.projection.persistRoom(room);
    }

    @EventPattern(EVENT_TYPES.chat.RoomDeleted, subscription)
    roomDeleted(@Payload() room: RoomEventData): Promise<void> {
      return this.projection.persistDeletion(room);
    }
  }
  return RoomProjectionController;
}
