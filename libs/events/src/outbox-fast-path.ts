import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Collection, Filter, UpdateFilter } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { StringIdDocument } from './driver-collection';
import { RekeyEvent } from './event';
import { EventProducer } from './event-producer';
import { EVENTS_TOPIC } from './events.tokens';
import { OUTBOX, outboxEventsOf, recordEvents, UNCLAIM } from './outbox';
import { OutboxClearing } from './outbox-clearing';
import { OutboxRelay } from './outbox-relay';

/** How long a request waits for Kafka's acknowledgement before answering anyway. */
const PUBLISH_TIMEOUT_MS = 1_000;
/** The relay leaves a claimed document alone this long: a replica that dies mid-publish delays its events by at most this. */
const CLAIM_MS = 10_000;
/** The fields of the written document that publishing reads. */
const OUTBOX_FIELDS = { [OUTBOX.events]: 1, [OUTBOX.claimedBy]: 1, [OUTBOX.deletedAt]: 1 };

/** Filter: the document, while still under this claim. */
type Claimed = { _id: string } & Record<string, string>;

/**
 * Publishes the events a request records before it answers, so subscribers see them a Kafka round
 * trip after the change instead of after the relay's next pass. The write that records the events
 * also claims the document's outbox, which keeps the relay away; then everything in the outbox
 * (events of earlier writes included, in order) is sent, and the outbox cleared if it still holds
 * exactly those (OutboxClearing, many documents per round trip). A slow Kafka delays the answer by
 * at most a second, the publish finishing in the background; a failed publish or a concurrent
 * write releases the claim and wakes the relay, which publishes the rest as before. The events
 * were durable from the write on, and a repeat carries the same `ce_id`, which subscribers
 * de-duplicate.
 */
@Injectable()
export class OutboxFastPath {
  private readonly logger = new Logger(OutboxFastPath.name);
  private readonly clearings = new WeakMap<Collection<StringIdDocument>, OutboxClearing>();

  constructor(
    private readonly producer: EventProducer,
    @Inject(EVENTS_TOPIC) private readonly topic: string,
    private readonly relay: OutboxRelay,
  ) {}

  /**
   * One conditional write (`findOneAndUpdate`) that sets `set` and records `events`, then their
   * publication as above. Resolves to the written document (only `projection`'s fields, if given),
   * or null when nothing matched `filter`; never rejects over Kafka.
   */
  async recordAndPublish(
    collection: Collection<StringIdDocument>,
    filter: Filter<StringIdDocument>,
    set: Record<string, unknown>,
    events: RekeyEvent[],
    projection?: Record<string, 1>,
  ): Promise<StringIdDocument | null> {
    const claim = randomUUID();
    const update = recordEvents({ $set: { ...set, [OUTBOX.claimedBy]: claim, [OUTBOX.claimUntil]: new Date(Date.now() + CLAIM_MS) } }, ...events);
    const written = await collection.findOneAndUpdate(filter, update as UpdateFilter<StringIdDocument>, {
      returnDocument: 'after',
      ...(projection && { projection: { ...projection, ...OUTBOX_FIELDS } }),
    });
    if (written) await this.publish(collection, { _id: written._id, [OUTBOX.claimedBy]: claim }, outboxEventsOf(written), Boolean(written[OUTBOX.deletedAt]));
    return written;
  }

  /** Resolves once Kafka acknowledged, or after PUBLISH_TIMEOUT_MS with the rest going on in the background (the relay's shutdown flush waits for it). */
  private async publish(collection: Collection<StringIdDocument>, mine: Claimed, events: RekeyEvent[], purge: boolean): Promise<void> {
    const published = this.producer.send(this.topic, events).then(
      () => this.clear(collection, mine, events, purge),
      (error: unknown) => this.handOver(collection, mine, error),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([published, new Promise<void>((resolve) => (timer = setTimeout(resolve, PUBLISH_TIMEOUT_MS)))]);
    clearTimeout(timer);
  }

  private async clear(collection: Collection<StringIdDocument>, mine: Claimed, events: RekeyEvent[], purge: boolean): Promise<void> {
    this.relay.observePublished(events);
    try {
      if (await this.clearingOf(collection).clear(mine._id, mine[OUTBOX.claimedBy], events, purge)) return;
      // Another write appended events meanwhile: remove these, leave the rest to whoever claimed it.
      await collection.updateOne(mine, { $pullAll: { [OUTBOX.events]: events } as never, ...UNCLAIM });
      this.relay.wake();
    } catch (error) {
      await this.handOver(collection, mine, error);
    }
  }

  /** Releases the claim so that the relay publishes what is left. */
  private async handOver(collection: Collection<StringIdDocument>, mine: Claimed, error: unknown): Promise<void> {
    this.logger.warn(`leaving events to the outbox relay: ${(error as Error).message}`);
    await collection.updateOne(mine, UNCLAIM).catch(() => undefined);
    this.relay.wake();
  }

  private clearingOf(collection: Collection<StringIdDocument>): OutboxClearing {
    let clearing = this.clearings.get(collection);
    if (!clearing) this.clearings.set(collection, (clearing = new OutboxClearing(collection)));
    return clearing;
  }
}
