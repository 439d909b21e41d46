import { Injectable } from '@nestjs/common';
import { DeliveryRequestedData } from '@rekey/contracts';
import { EventBatchContext, ReceivedEvent, RekeyEvent } from '@rekey/events';
import { deliveryOutcomeEvent } from './deliveries.events';
import { DeliveriesRepository, DeliveryRequest, queueIdOf } from './deliveries.repository';
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
   * and starts their bots' queues here; the deliveries themselves do not hold up the consumer. A
   * request whose bot's queue is full is refused with its outcome event, recorded before the
   * acknowledgement too.
   */
  async accept(requests: DeliveryRequestedData[], batch: EventBatchContext): Promise<void> {
    const queued = requests.map((request, n) => {
      const context = batch.events[n];
      // The body as the producer wrote it (members in its order, any the contract does not name kept).
      const raw = context.getArgByIndex(0) as ReceivedEvent;
      const body = JSON.stringify((raw.data as { event: unknown }).event);
      return { id: context.id, tenant: request.tenant, accountId: request.chimeAccountId, botId: request.botId, eventType: request.event.EventType, body, acceptedAt: new Date() };
    });
    const { queueIds, refused } = await this.repository.enqueue(queued);
    await this.refuse(refused);
    for (const queueId of queueIds) this.dispatcher.wake(queueId, true);
  }

  /** Records EventDeliveryFailed (QueueFull, nothing sent) for requests whose bot's queue was full. */
  private async refuse(refused: DeliveryRequest[]): Promise<void> {
    const byQueue = new Map<string, RekeyEvent[]>();
    const at = new Date();
    for (const request of refused) {
      const queueId = queueIdOf(request);
      const outcome = deliveryOutcomeEvent({ ...request, queueId }, { delivered: false, reason: 'QueueFull', status: null, attempts: 0 }, at);
      byQueue.set(queueId, [...(byQueue.get(queueId) ?? []), outcome]);
    }
    await Promise.all([...byQueue].map(([queueId, outcomes]) => this.repository.refuse(queueId, outcomes)));
  }
}
