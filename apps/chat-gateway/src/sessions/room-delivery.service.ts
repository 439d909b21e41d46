import { Injectable } from '@nestjs/common';
import { EVENT_TYPES, EventSentData, GatewayActionOrigin, MessageDeletedData, MessageSentData, RoomEventData, UserDisconnectedData } from '@rekey/contracts';
import { ReceivedEvent } from '@rekey/events';
import { customEventEntity, deleteMessageEntity, disconnectUserEntity, messageEntity, ServerEntity } from '../ivschat-messaging/server-entity';
import { RoomProjection } from '../projection/room-projection.service';
import { ConnectionRegistry } from './connection-registry';

type Origin = GatewayActionOrigin['origin'];

/** A stable entity `Id` from an event id, the same on every replica (the client de-duplicates on it). */
const entityIdOf = (eventId: string) => eventId.replace(/-/g, '').slice(0, 12);

/**
 * Acts on the room's live connections on this replica for each event of `rekey.chat.v1` and
 * `rekey.chat.messages.v1` (every replica sees every event): delivers messages and events,
 * disconnects users, closes the connections of deleted rooms.
 */
@Injectable()
export class RoomDelivery {
  constructor(
    private readonly connections: ConnectionRegistry,
    private readonly projection: RoomProjection,
  ) {}

  handle(event: ReceivedEvent): void {
    const types = EVENT_TYPES;
    switch (event.type) {
      case types['chat-gateway'].MessageSent: {
        const data = event.data as MessageSentData;
        return this.toRoom(data.roomArn, messageEntity(data), data.origin, messageEntity(data, data.origin.requestId));
      }
      case types.chat.MessageDeleted:
      case types['chat-gateway'].MessageDeleted: {
        const data = event.data as MessageDeletedData & Partial<GatewayActionOrigin>;
        return this.toRoom(data.roomArn, deleteMessageEntity(data, event.time), data.origin, data.origin && deleteMessageEntity(data, event.time, data.origin.requestId));
      }
      case types.chat.EventSent: {
        const data = event.data as EventSentData;
        return this.toRoom(data.roomArn, customEventEntity(data));
      }
      case types.chat.UserDisconnected:
      case types['chat-gateway'].UserDisconnected:
        return this.disconnectUser(event);
      case types.chat.RoomDeleted:
        for (const connection of this.connections.inRoom((event.data as RoomEventData).arn)) connection.close(1000, 'room deleted');
        return;
      default:
    }
  }

  /** `aws:DISCONNECT_USER` to the room, then a clean close of that user's connections (no reconnect). */
  private disconnectUser(event: ReceivedEvent): void {
    const data = event.data as UserDisconnectedData & Partial<GatewayActionOrigin>;
    this.projection.revoke(data.roomArn, data.userId, new Date(data.revokedAt));
    const id = entityIdOf(event.id);
    this.toRoom(data.roomArn, disconnectUserEntity(id, data, event.time), data.origin, data.origin && disconnectUserEntity(id, data, event.time, data.origin.requestId));
    for (const connection of this.connections.inRoom(data.roomArn)) {
      if (connection.userId === data.userId) connection.close(1000, 'disconnected');
    }
  }

  /** Serialized once for the room; the requesting connection gets its own copy with its RequestId. */
  private toRoom(roomArn: string, entity: ServerEntity, origin?: Origin, originEntity?: ServerEntity): void {
    const text = JSON.stringify(entity);
    for (const connection of this.connections.inRoom(roomArn)) {
      if (origin && originEntity && connection.id === origin.connectionId) connection.send(originEntity);
      else connection.sendText(text);
    }
  }
}
