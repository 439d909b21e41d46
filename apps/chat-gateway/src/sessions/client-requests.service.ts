import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { MongoThrottleCounters, RequestThrottle, THROTTLE_RECONCILE_MS } from '@rekey/aws-protocol';
import { EventPublisher, RekeyEvent } from '@rekey/events';
import { PeriodicTask } from '@rekey/platform';
import { newIvschatId } from '@rekey/tokens';
import type { Connection } from 'mongoose';
import { gatewayMessageDeleted, gatewayUserDisconnected, messageSent } from '../chat-gateway.events';
import { GatewayMetrics } from '../gateway.metrics';
import { ClientRequest, codePointLength, parseClientRequest } from '../ivschat-messaging/client-request';
import { MessagingError } from '../ivschat-messaging/messaging-error';
import { errorEntity } from '../ivschat-messaging/server-entity';
import { RoomLimits } from '../projection/room-limits';
import { RoomProjection } from '../projection/room-projection.service';
import { ChatConnection } from './chat-connection';
import { OffsetOrder } from './offset-order';
import { RoomDelivery } from './room-delivery.service';

/** A request's event, and what delivering it does on this replica. */
interface Accepted {
  event: RekeyEvent;
  deliver(): void;
}

/**
 * A client's request: checked (capability, room, length, rate) and published to
 * `rekey.chat.messages.v1`, from which every replica delivers it in topic order; this replica
 * delivers it as soon as Kafka acknowledged it, in that same order ({@link OffsetOrder}). The
 * answer (the echoed MESSAGE or EVENT with the RequestId) is part of that delivery; refusals are
 * answered here with an ERROR.
 */
@Injectable()
export class ClientRequestsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ClientRequestsService.name);
  /** Messages per room and second, across replicas: the room's maximumMessageRatePerSecond. */
  private readonly rates: RequestThrottle;
  private readonly sharing: PeriodicTask;

  constructor(
    private readonly projection: RoomProjection,
    private readonly publisher: EventPublisher,
    private readonly metrics: GatewayMetrics,
    private readonly delivery: RoomDelivery,
    private readonly order: OffsetOrder,
    @InjectConnection() connection: Connection,
  ) {
    this.rates = new RequestThrottle({ defaultPerSecond: 0, perOperation: {} }, new MongoThrottleCounters(connection));
    this.sharing = new PeriodicTask(this.logger, 'sharing message rate counters (limiting per replica meanwhile)', () => this.rates.reconcile());
  }

  onApplicationBootstrap(): void {
    this.sharing.start(THROTTLE_RECONCILE_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sharing.stop();
  }

  async handle(connection: ChatConnection, text: string): Promise<void> {
    let requestId: string | null = null;
    try {
      const request = parseClientRequest(text);
      requestId = request.requestId;
      if (!connection.can(request.action)) throw new MessagingError(403, `The token does not allow ${request.action}`, requestId);
      const room = this.projection.room(connection.roomArn);
      if (!room) throw new MessagingError(404, 'Room not found', requestId);
      const { event, deliver } = this.accept(connection, room, request);
      const placement = await this.publisher.publish(event);
      this.metrics.accepted(request.action);
      this.order.acknowledged(placement, deliver);
    } catch (error) {
      const refusal = error instanceof MessagingError ? error : this.internalError(error as Error, requestId);
      this.metrics.refused('request', refusal.code);
      connection.send(errorEntity(refusal));
    }
  }

  private accept(connection: ChatConnection, room: RoomLimits, request: ClientRequest): Accepted {
    const { tenant, roomArn } = connection.identity;
    const origin = { connectionId: connection.id, requestId: request.requestId };
    switch (request.action) {
      case 'SEND_MESSAGE': {
        if (codePointLength(request.content) > room.maximumMessageLength) {
          throw new MessagingError(413, `Content exceeds the room's maximumMessageLength of ${room.maximumMessageLength}`, request.requestId);
        }
        if (!this.rates.admitKey(roomArn, room.maximumMessageRatePerSecond)) {
          throw new MessagingError(429, `The room's maximumMessageRatePerSecond of ${room.maximumMessageRatePerSecond} is exceeded`, request.requestId);
        }
        const { userId, attributes } = connection.identity;
        const data = { tenant, roomArn, id: newIvschatId(), content: request.content, attributes: request.attributes, sender: { userId, attributes }, sendTime: new Date().toISOString(), origin };
        return { event: messageSent(data), deliver: () => this.delivery.messageSent(data) };
      }
      case 'DELETE_MESSAGE': {
        const event = gatewayMessageDeleted({ tenant, roomArn, id: newIvschatId(), messageId: request.id, reason: request.reason, origin });
        return { event, deliver: () => this.delivery.messageDeleted(event.data, event.time, origin) };
      }
      case 'DISCONNECT_USER': {
        const event = gatewayUserDisconnected({ tenant, roomArn, userId: request.userId, reason: request.reason, revokedAt: new Date().toISOString(), origin });
        return { event, deliver: () => this.delivery.userDisconnected(event.data, event.id, event.time, origin) };
      }
    }
  }

  private internalError(error: Error, requestId: string | null): MessagingError {
    this.logger.error(`request failed: ${error.message}`);
    return new MessagingError(500, 'The request could not be processed; retry', requestId);
  }
}
