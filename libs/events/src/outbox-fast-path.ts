import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Collection, Document } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { StringIdDocument } from './driver-collection';
import { RekeyEvent } from './event';
import { EventProducer } from './event-producer';
import { EVENTS_TOPIC } from './events.tokens';
import { OUTBOX } from './outbox';
import { OutboxClearing } from './outbox-clearing';
import { OutboxRelay } from './outbox-relay';

/** How long a request waits for Kafka's acknowledgement before answering anyway. */
const PUBLISH_TIMEOUT_MS = 1_000;
/** The relay leaves a claimed document alone this long: a replica that dies mid-publish delays its events by at most this. */
const CLAIM_MS = 10_000;

const RELEASE = { $unset: { [OUTBOX.claimedBy]: '', [OUTBOX.claimUntil]: '' } };

/** The fields a write sets so that its own request, not the relay, publishes the events it records. */
/** Filter: the document, while still under this claim. */
type Claimed = { _id: string } & Record<string, string>;

export interface OutboxClaim {
  readonly id: string;
  readonly fields: Record<string, unknown>;
}

/**
 * Publishes the events a request just recorded before it answers, so subscribers see them a Kafka
 * round trip after the change instead of after the relay's next pass. The write that records the
 * events also claims the document (claim()), which keeps the relay away; publish() then sends
 * everything in the document's outbox (events of earlier writes included, in order) and clears it
 * if it still holds exactly those (OutboxClearing, many documents per round trip). A slow Kafka
 * delays the answer by at most a second, the publish finishing in the background; a failed
 * publish or a concurrent write releases the claim and wakes the relay, which publishes the rest
 * as before. The events were durable from the write on, and a repeat carries the same `ce_id`,
 * which subscribers de-duplicate.
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

  /** `$set` fields for the write that records the events. */
  claim(): OutboxClaim {
    const id = randomUUID();
    return { id, fields: { [OUTBOX.claimedBy]: id, [OUTBOX.claimUntil]: new Date(Date.now() + CLAIM_MS) } };
  }

  /**
   * `written`: the document as the claiming write left it (its post-image). Resolves once Kafka
   * acknowledged the events, or after PUBLISH_TIMEOUT_MS with the publish going on in the
   * background (the relay's shutdown flush waits for it); never rejects.
   */
  async publish(collection: Collection<StringIdDocument>, written: Document, claim: OutboxClaim): Promise<void> {
    const events = (written[OUTBOX.events] ?? []) as RekeyEvent[];
    const mine = { _id: written._id as string, [OUTBOX.claimedBy]: claim.id };
    if (written[OUTBOX.claimedBy] !== claim.id) return this.handOver(collection, mine, new Error('the document was written without this claim'));
    const published = this.producer.send(this.topic, events).then(
      () => this.clear(collection, mine, events, Boolean(written[OUTBOX.deletedAt])),
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
      await collection.updateOne(mine, { $pullAll: { [OUTBOX.events]: events } as never, ...RELEASE });
      this.relay.wake();
    } catch (error) {
      await this.handOver(collection, mine, error);
    }
  }

  /** Releases the claim so that the relay publishes what is left. */
  private async handOver(collection: Collection<StringIdDocument>, mine: Claimed, error: unknown): Promise<void> {
    this.logger.warn(`leaving events to the outbox relay: ${(error as Error).message}`);
    await collection.updateOne(mine, RELEASE).catch(() => undefined);
    this.relay.wake();
  }

  private clearingOf(collection: Collection<StringIdDocument>): OutboxClearing {
    let clearing = this.clearings.get(collection);
    if (!clearing) this.clearings.set(collection, (clearing = new OutboxClearing(collection)));
    return clearing;
  }
}
