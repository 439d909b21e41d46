import { Injectable, Logger } from '@nestjs/common';
import { EventPublisher, RekeyEvent } from '@rekey/events';
import { withDeadline } from '@rekey/platform';
import { PendingEventsRepository } from './pending-events.repository';

/** How long a request waits for Kafka's acknowledgement before it falls back to the outbox. */
const PUBLISH_TIMEOUT_MS = 1_000;
/** After a failure, requests go straight to the outbox for this long instead of waiting again. */
const FALLBACK_PERIOD_MS = 5_000;

/**
 * Publishes an event of a stateless path (chat tokens) before the caller gets its answer:
 * directly to Kafka (acked by all in-sync replicas) when Kafka answers, else into the
 * `pending_events` outbox, which the relay publishes once Kafka is back (the write wakes it). A direct publish that
 * times out may still land later: the outbox copy has the same `ce_id`, which subscribers
 * de-duplicate on.
 */
@Injectable()
export class DurablePublisher {
  private readonly logger = new Logger(DurablePublisher.name);
  private fallbackUntil = 0;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly pending: PendingEventsRepository,
  ) {}

  async publish(event: RekeyEvent): Promise<void> {
    if (Date.now() >= this.fallbackUntil) {
      try {
        await this.directly(event);
        return;
      } catch (error) {
        this.fallbackUntil = Date.now() + FALLBACK_PERIOD_MS;
        this.logger.warn(`Kafka did not acknowledge an event directly, using the outbox for ${FALLBACK_PERIOD_MS} ms: ${(error as Error).message}`);
      }
    }
    await this.pending.record(event);
  }

  private async directly(event: RekeyEvent): Promise<void> {
    await withDeadline(this.publisher.publish(event), PUBLISH_TIMEOUT_MS, `no acknowledgement within ${PUBLISH_TIMEOUT_MS} ms`);
  }
}
