import { Injectable } from '@nestjs/common';
import { DeliveryRequestedData } from '@rekey/contracts';
import { EventContext, ReceivedEvent } from '@rekey/events';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveryDispatcher } from './delivery-dispatcher';

/** Accepts delivery requests from `rekey.bots.deliveries.v1` into their bots' queues. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly repository: DeliveriesRepository,
    private readonly dispatcher: DeliveryDispatcher,
  ) {}

  /**
   * Queues the request durably (the Kafka message is acknowledged once this resolves) and starts
   * its bot's queue here; the delivery itself does not hold up the consumer.
   */
  async accept(request: DeliveryRequestedData, context: EventContext): Promise<void> {
    // The body as the producer wrote it (members in its order, any the contract does not name kept).
    const raw = context.getArgByIndex(0) as ReceivedEvent;
    const body = JSON.stringify((raw.data as { event: unknown }).event);
    const queueId = await this.repository.enqueue({ id: context.id, tenant: request.tenant, accountId: request.chimeAccountId, botId: request.botId, eventType: request.event.EventType, body, acceptedAt: new Date() });
    this.dispatcher.wake(queueId);
  }
}
