import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EVENT_TYPES, EventSentData, GatewayMessageDeletedData, GatewayUserDisconnectedData, MessageDeletedData, MessageSentData, RoomEventData, UserDisconnectedData } from '@rekey/contracts';
import { EventContext } from '@rekey/events';
import { OffsetOrder } from '../sessions/offset-order';
import { RoomDelivery } from '../sessions/room-delivery.service';
import { RoomProjection } from './room-projection.service';

/** Every replica, from now on: `ce_id`s de-duplicated in memory, handlers idempotent. */
export const LIVE_SUBSCRIPTION = { group: 'chat-gateway.live', broadcast: true } as const;

const CHAT = EVENT_TYPES.chat;
const GATEWAY = EVENT_TYPES['chat-gateway'];

/**
 * Each replica's live view (rooms in memory) and its connections, from `rekey.chat.v1` (the
 * control plane) and `rekey.chat.messages.v1` (what clients sent on any replica).
 */
@Controller()
export class LiveEventsController {
  constructor(
    private readonly projection: RoomProjection,
    private readonly delivery: RoomDelivery,
    private readonly order: OffsetOrder,
  ) {}

  @EventPattern(CHAT.RoomCreated, LIVE_SUBSCRIPTION)
  roomCreated(@Payload() room: RoomEventData): void {
    this.projection.applyRoom(room);
  }

  @EventPattern(CHAT.RoomUpdated, LIVE_SUBSCRIPTION)
  roomUpdated(@Payload() room: RoomEventData): void {
    this.projection.applyRoom(room);
  }

  @EventPattern(CHAT.RoomDeleted, LIVE_SUBSCRIPTION)
  roomDeleted(@Payload() room: RoomEventData): void {
    this.projection.applyDeletion(room);
    this.delivery.roomDeleted(room);
  }

  @EventPattern(CHAT.UserDisconnected, LIVE_SUBSCRIPTION)
  userDisconnected(@Payload() disconnect: UserDisconnectedData, @Ctx() context: EventContext): void {
    this.delivery.userDisconnected(disconnect, context.id, context.time);
  }

  @EventPattern(CHAT.MessageDeleted, LIVE_SUBSCRIPTION)
  messageDeleted(@Payload() deletion: MessageDeletedData, @Ctx() context: EventContext): void {
    this.delivery.messageDeleted(deletion, context.time);
  }

  @EventPattern(CHAT.EventSent, LIVE_SUBSCRIPTION)
  eventSent(@Payload() event: EventSentData): void {
    this.delivery.eventSent(event);
  }

  // Clients' requests, from any replica: in offset order with what this replica delivered at its own publishes' acknowledgement.

  @EventPattern(GATEWAY.MessageSent, LIVE_SUBSCRIPTION)
  messageSent(@Payload() message: MessageSentData, @Ctx() context: EventContext): void {
    this.order.consumed(context, () => this.delivery.messageSent(message));
  }

  @EventPattern(GATEWAY.MessageDeleted, LIVE_SUBSCRIPTION)
  clientDeletedMessage(@Payload() deletion: GatewayMessageDeletedData, @Ctx() context: EventContext): void {
    this.order.consumed(context, () => this.delivery.messageDeleted(deletion, context.time, deletion.origin));
  }

  @EventPattern(GATEWAY.UserDisconnected, LIVE_SUBSCRIPTION)
  clientDisconnectedUser(@Payload() disconnect: GatewayUserDisconnectedData, @Ctx() context: EventContext): void {
    this.order.consumed(context, () => this.delivery.userDisconnected(disconnect, context.id, context.time, disconnect.origin));
  }
}
