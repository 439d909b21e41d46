import { Injectable, Logger, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { withDeadline } from '@rekey/platform';
import { RekeyEvent } from './event';
import { EventPublisher } from './event-publisher';
import { PENDING_EVENT_MODEL, pendingEventSchema, PendingEventsRepository } from './pending-events';

/** How long a caller waits for Kafka's acknowledgement before it falls back to the outbox. */
const PUBLISH_TIMEOUT_MS = 1_000;
/** After a failure, events go straight to the outbox for this long instead of waiting again. */
const FALLBACK_PERIOD_MS = 5_000;

/**
 * Publishes the events of a path with no state of its own to write them with (chat tokens, bot
 * delivery outcomes) before the caller goes on: directly to Kafka (acked by all in-sync replicas)
 * when Kafka answers, else into the `pending_events` outbox, which the relay publishes once Kafka
 * is back (the write wakes it). A direct publish that times out may still land later: the outbox
 * copy has the same `ce_id`, which subscribers de-duplicate on.
 */
@Injectable()
export class DurablePublisher {
  private readonly logger = new Logger(DurablePublisher.name);
  private fallbackUntil = 0;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly pending: PendingEventsRepository,
  ) {}

  async publish(events: RekeyEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (Date.now() >= this.fallbackUntil) {
      try {
        await this.directly(events);
        return;
      } catch (error) {
        this.fallbackUntil = Date.now() + FALLBACK_PERIOD_MS;
        this.logger.warn(`Kafka did not acknowledge events directly, using the outbox for ${FALLBACK_PERIOD_MS} ms: ${(error as Error).message}`);
      }
    }
    await this.pending.record(events);
  }

  private async directly(events: RekeyEvent[]): Promise<void> {
    await withDeadline(this.publisher.publishAll(events), PUBLISH_TIMEOUT_MS, `no acknowledgement within ${PUBLISH_TIMEOUT_MS} ms`);
  }
}

/** {@link DurablePublisher}, with its outbox (`pending_events`) in the app's database. */
@Module({
  imports: [MongooseModule.forFeature([{ name: PENDING_EVENT_MODEL, schema: pendingEventSchema }])],
  providers: [DurablePublisher, PendingEventsRepository],
  exports: [DurablePublisher],
})
export class DurablePublishingModule {}
