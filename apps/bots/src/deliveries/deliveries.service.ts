import { Injectable } from '@nestjs/common';
import { DeliveryRequestedData } from '@rekey/contracts';
import { EventBatchContext, ReceivedEvent } from '@rekey/events';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveryDispatcher } from './delivery-dispatcher';

/** Accepts delivery requests from `rekey.bots.deliveries.v1` into their bots' queues, a batch at a time. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly repository: DeliveriesRepository,
    private readonly dispatcher: DeliveryDispatcher,
  ) {}

  /**
   * Queues the requests durably, in order (the Kafka messages are acknowledged once this resolves),
   * and starts their bots' queues here; the deliveries themselves do not hold up the consumer.
   */
  async accept(requests: DeliveryRequestedData[], batch: EventBatchContext): Promise<void> {
    const queued = requests.map((request, n) => {
      const context = batch.events[n];
      // The body as the producer wrote it (members in its order, any the contract does not name kept).
      const raw = context.getArgByIndex(0) as ReceivedEvent;
      const body = JSON.stringify((raw.data as { event: unknown }).event);
      return { id: context.id, tenant: request.tenant, accountId: request.chimeAccountId, botId: request.botId, eventType: request.event.EventType, body, acceptedAt: new Date() };
    });
    for (const queueId of await this.repository.enqueue(queued)) this.dispatcher.wake(queueId);
  }
}
