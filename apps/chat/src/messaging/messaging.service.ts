import { Injectable } from '@nestjs/common';
import { DeleteMessageRequest, DisconnectUserRequest, SendEventRequest } from '@rekey/contracts';
import { RekeyEvent } from '@rekey/events';
import { newIvschatId } from '@rekey/tokens';
import { RevocationsRepository } from '../revocations/revocations.repository';
import { roomNotFound } from '../rooms/room-arn';
import { RoomCache } from '../rooms/room-cache';
import { RoomsRepository } from '../rooms/rooms.repository';
import { eventSent, messageDeleted, userDisconnected } from './messaging.events';

/**
 * The control-plane twins of the messaging operations: each is recorded as an event for the
 * messaging gateway, durably, before it is answered.
 */
@Injectable()
export class MessagingService {
  constructor(
    private readonly rooms: RoomsRepository,
    private readonly cache: RoomCache,
    private readonly revocations: RevocationsRepository,
  ) {}

  /** Revokes the user's earlier tokens for the room and records UserDisconnected, in one write. */
  async disconnectUser(tenant: string, input: DisconnectUserRequest): Promise<Record<string, never>> {
    const roomArn = input.roomIdentifier;
    if (!(await this.cache.exists(tenant, roomArn))) throw roomNotFound(roomArn);
    const revokedAt = new Date();
    const event = userDisconnected({ tenant, roomArn, userId: input.userId, reason: input.reason ?? null, revokedAt: revokedAt.toISOString() });
    await this.revocations.revokeUser(tenant, roomArn, input.userId, revokedAt, event);
    return {};
  }

  async deleteMessage(tenant: string, input: DeleteMessageRequest): Promise<{ id: string }> {
    const id = newIvschatId();
    await this.recordInRoom(tenant, input.roomIdentifier, messageDeleted({ tenant, roomArn: input.roomIdentifier, id, messageId: input.id, reason: input.reason ?? null }));
    return { id };
  }

  async sendEvent(tenant: string, input: SendEventRequest): Promise<{ id: string }> {
    const id = newIvschatId();
    const data = { tenant, roomArn: input.roomIdentifier, id, eventName: input.eventName, attributes: input.attributes ?? {}, sendTime: new Date().toISOString() };
    await this.recordInRoom(tenant, input.roomIdentifier, eventSent(data));
    return { id };
  }

  /** In the room's own outbox: the room's existence is checked by the same write. */
  private async recordInRoom(tenant: string, roomArn: string, event: RekeyEvent): Promise<void> {
    if (!(await this.rooms.recordEvent(tenant, roomArn, event))) throw roomNotFound(roomArn);
  }
}
