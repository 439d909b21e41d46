import { Injectable } from '@nestjs/common';
import { DeliveryRequestedData } from '@rekey/contracts';
import { EventBatchContext, ReceivedEvent } from '@rekey/events';
import { DeliveriesRepository, DeliveryRequest, groupByQueue } from './deliveries.repository';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { DirectDeliveries } from './direct-deliveries';

/** Accepts delivery requests from `rekey.bots.deliveries.v1`, a batch at a time. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly repository: DeliveriesRepository,
    private readonly dispatcher: DeliveryDispatcher,
    private readonly direct: DirectDeliveries,
  ) {}

  /**
   * Delivers the requests of bots with nothing queued at once, and queues the others' durably
   * behind what their bots have waiting (in order); the Kafka messages are acknowledged once this
   * resolves. Queued deliveries do not hold up the consumer.
   */
  async accept(requests: DeliveryRequestedData[], batch: EventBatchContext): Promise<void> {
    const byQueue = groupByQueue(requests.map((request, n) => deliveryRequest(request, batch.events[n].getArgByIndex(0) as ReceivedEvent)));
    const waiting = await this.repository.holdingDeliveries([...byQueue.keys()]);
    const queued = await this.repository.enqueue([...byQueue].filter(([queueId]) => waiting.has(queueId)).flatMap(([, queue]) => queue));
    for (const queueId of new Set(queued.map((delivery) => delivery.queueId))) this.dispatcher.wake(queueId);
    await this.direct.deliver(new Map([...byQueue].filter(([queueId]) => !waiting.has(queueId))));
  }
}

/** The request as delivered: the body as the producer wrote it (members in its order, any the contract does not name kept). */
function deliveryRequest(request: DeliveryRequestedData, received: ReceivedEvent): DeliveryRequest {
  const body = JSON.stringify((received.data as { event: unknown }).event);
  return { id: received.id, tenant: request.tenant, accountId: request.chimeAccountId, botId: request.botId, eventType: request.event.EventType, body, acceptedAt: new Date() };
}
