import { Injectable } from '@nestjs/common';
import { DurablePublisher } from '@rekey/events';
import { BotEventSender, DeliveryOutcome } from './bot-event-sender';
import { deliveryOutcomeEvent } from './deliveries.events';
import { DeliveriesMetrics } from './deliveries.metrics';
import { DeliveriesRepository, DeliveryRequest } from './deliveries.repository';
import { DeliveryDispatcher } from './delivery-dispatcher';

/**
 * How long a chunk of requests is delivered straight from Kafka before what is left of each bot's
 * requests is queued: the most a slow endpoint holds up the other bots of its partition.
 */
const PATIENCE_MS = 500;

/**
 * Delivers requests of bots whose queues are empty as they come from Kafka, with no MongoDB write
 * per delivery: each bot's in order, the bots at once, their outcome events published before the
 * Kafka messages are acknowledged (so a replica stopping midway leaves them to be delivered again:
 * at least once). A bot not done within PATIENCE_MS has the rest of its requests queued, the one in
 * flight handed over to the {@link DeliveryDispatcher}, which sends the others after it.
 */
@Injectable()
export class DirectDeliveries {
  constructor(
    private readonly repository: DeliveriesRepository,
    private readonly sender: BotEventSender,
    private readonly dispatcher: DeliveryDispatcher,
    private readonly publisher: DurablePublisher,
    private readonly metrics: DeliveriesMetrics,
  ) {}

  /** Resolves once each request is delivered (its outcome event published) or queued. */
  async deliver(byQueue: Map<string, DeliveryRequest[]>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const patienceOver = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), PATIENCE_MS)));
    const finished: Array<{ delivery: DeliveryRequest; outcome: DeliveryOutcome; at: Date }> = [];
    try {
      await Promise.all(
        [...byQueue.values()].map(async (requests) => {
          for (let n = 0; n < requests.length; n += 1) {
            const sending = this.sender.send(requests[n]);
            const outcome = await Promise.race([sending, patienceOver]);
            if (outcome === undefined) return this.queueTheRest(requests.slice(n), sending);
            finished.push({ delivery: requests[n], outcome, at: new Date() });
          }
        }),
      );
    } finally {
      clearTimeout(timer);
    }
    await this.publisher.publish(finished.map(({ delivery, outcome, at }) => deliveryOutcomeEvent(delivery, outcome, at)));
    for (const { outcome } of finished) this.metrics.finished(outcome);
  }

  private async queueTheRest(requests: DeliveryRequest[], sending: Promise<DeliveryOutcome>): Promise<void> {
    const [inFlight] = await this.repository.enqueue(requests);
    this.dispatcher.handOver(inFlight, sending);
  }
}
