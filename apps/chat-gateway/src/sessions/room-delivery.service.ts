import { Injectable } from '@nestjs/common';
import { EventSentData, GatewayOriginData, MessageDeletedData, MessageSentData, RoomEventData, UserDisconnectedData } from '@rekey/contracts';
import { customEventEntity, deleteMessageEntity, disconnectUserEntity, messageEntity, ServerEntity } from '../ivschat-messaging/server-entity';
import { RoomProjection } from '../projection/room-projection.service';
import { ConnectionRegistry } from './connection-registry';
import { textFrame } from './text-frame';

/** A stable entity `Id` from an event id, the same on every replica (the client de-duplicates on it). */
const entityIdOf = (eventId: string) => eventId.replace(/-/g, '').slice(0, 12);

/**
 * Acts on the room's live connections on this replica for the events of `rekey.chat.v1` and
 * `rekey.chat.messages.v1` (every replica sees every event): delivers messages and events,
 * disconnects users, closes the connections of deleted rooms. `origin` is set for a client's own
 * request, whose connection gets its copy with the `RequestId`.
 */
@Injectable()
export class RoomDelivery {
  constructor(
    private readonly connections: ConnectionRegistry,
    private readonly projection: RoomProjection,
  ) {}

  messageSent(message: MessageSentData): void {
    this.toRoom(message.roomArn, messageEntity(message), message.origin, messageEntity(message, message.origin.requestId));
  }

  messageDeleted(deletion: MessageDeletedData, time: string, origin?: GatewayOriginData): void {
    this.toRoom(deletion.roomArn, deleteMessageEntity(deletion, time), origin, origin && deleteMessageEntity(deletion, time, origin.requestId));
  }

  eventSent(event: EventSentData): void {
    this.toRoom(event.roomArn, customEventEntity(event));
  }

  /** `aws:DISCONNECT_USER` to the room, then a clean close of that user's connections (no reconnect). */
  userDisconnected(disconnect: UserDisconnectedData, eventId: string, time: string, origin?: GatewayOriginData): void {
    this.projection.revoke(disconnect.roomArn, disconnect.userId, new Date(disconnect.revokedAt));
    const id = entityIdOf(eventId);
    this.toRoom(disconnect.roomArn, disconnectUserEntity(id, disconnect, time), origin, origin && disconnectUserEntity(id, disconnect, time, origin.requestId));
    for (const connection of this.connections.inRoom(disconnect.roomArn)) {
      if (connection.userId === disconnect.userId) connection.close(1000, 'disconnected');
    }
  }

  roomDeleted(room: RoomEventData): void {
    for (const connection of this.connections.inRoom(room.arn)) connection.close(1000, 'room deleted');
  }

  /**
   * Serialized and framed once for the room, the same bytes written to every connection; the
   * requesting connection gets its own copy with its RequestId.
   */
  private toRoom(roomArn: string, entity: ServerEntity, origin?: GatewayOriginData, originEntity?: ServerEntity): void {
    const connections = this.connections.inRoom(roomArn);
    if (connections.size === 0) return;
    const frame = textFrame(JSON.stringify(entity));
    for (const connection of connections) {
      if (originEntity && connection.id === origin?.connectionId) connection.send(originEntity);
      else connection.sendFrame(frame);
    }
  }
}
