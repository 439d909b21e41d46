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

/** How long a request waits for Kafka before leaving its events to the relay. */
const PUBLISH_TIMEOUT_MS = 1_000;
/** The relay leaves a claimed document alone this long: a replica that dies mid-publish delays its events by at most this. */
const CLAIM_MS = 10_000;

/** The fields a write sets so that its own request, not the relay, publishes the events it records. */
export interface OutboxClaim {
  readonly id: string;
  readonly fields: Record<string, unknown>;
}

/**
 * Publishes the events a request just recorded before it answers, so subscribers see them a Kafka
 * round trip after the change instead of after the relay's next pass. The write that records the
 * events also claims the document (claim()), which keeps the relay away; publish() then sends
 * everything in the document's outbox (events of earlier writes included, in order) and clears it
 * if it still holds exactly those (OutboxClearing, many documents per round trip). Whatever goes wrong (Kafka slow or down, a concurrent write)
 * releases the claim and wakes the relay, which publishes the rest as before: the events were
 * durable from the write on, and a repeat carries the same `ce_id`, which subscribers de-duplicate.
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

  /** `written`: the document as the claiming write left it (its post-image). */
  async publish(collection: Collection<StringIdDocument>, written: Document, claim: OutboxClaim): Promise<void> {
    const events = (written[OUTBOX.events] ?? []) as RekeyEvent[];
    const mine = { _id: written._id as string, [OUTBOX.claimedBy]: claim.id };
    const release = { $unset: { [OUTBOX.claimedBy]: '', [OUTBOX.claimUntil]: '' } };
    try {
      if (written[OUTBOX.claimedBy] !== claim.id) throw new Error('the document was written without this claim');
      await withTimeout(this.producer.send(this.topic, events), PUBLISH_TIMEOUT_MS);
      this.relay.observePublished(events);
      if (await this.clearingOf(collection).clear(mine._id, claim.id, events, Boolean(written[OUTBOX.deletedAt]))) return;
      // Another write appended events meanwhile: remove these, leave the rest to whoever claimed it.
      await collection.updateOne(mine, { $pullAll: { [OUTBOX.events]: events } as never, ...release });
    } catch (error) {
      this.logger.warn(`leaving events to the outbox relay: ${(error as Error).message}`);
      await collection.updateOne(mine, release).catch(() => undefined);
    }
    this.relay.wake();
  }

  private clearingOf(collection: Collection<StringIdDocument>): OutboxClearing {
    let clearing = this.clearings.get(collection);
    if (!clearing) this.clearings.set(collection, (clearing = new OutboxClearing(collection)));
    return clearing;
  }
}

async function withTimeout(sending: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  // The losing promise's rejection must not go unhandled.
  sending.catch(() => undefined);
  try {
    await Promise.race([sending, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`Kafka did not acknowledge within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
