import { Inject, Injectable, Logger } from '@nestjs/common';
import { withDeadline } from '@rekey/platform';
import type { Collection, Filter, UpdateFilter } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { StringIdDocument } from './driver-collection';
import { RekeyEvent } from './event';
import { EventProducer } from './event-producer';
import { EVENTS_TOPIC } from './events.tokens';
import { OUTBOX, OutboxFullError, outboxEventsOf, outboxHasRoom, recordEvents, UNCLAIM } from './outbox';
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

/** Options of a fast-path write: fields it removes, the written document's fields to read back (all if absent), what to do once written (before publishing). */
export interface FastPathOptions {
  unset?: string[];
  projection?: Record<string, 1>;
  onWritten?: () => void;
}

/**
 * Publishes the events a request records before it answers, so subscribers see them a Kafka round
 * trip after the change instead of after the relay's next pass. The write that records the events
 * also claims the document's outbox, which keeps other replicas' relays away; then the outbox's
 * entries that nobody in this process is sending yet (earlier ones first) are sent, and exactly
 * those removed once Kafka acknowledged them (OutboxClearing, many documents per round trip, after
 * the request has its answer). So each entry is sent once, however many writes follow it. A slow Kafka delays the answer by at
 * most a second, the publish finishing in the background; a failed publish releases the claim
 * and wakes the relay, and while the producer is failing writes leave their events to the relay
 * at once (no claim). The events were durable from the write on, and a repeat carries the same
 * `ce_id`, which subscribers de-duplicate. The outbox is bounded: see {@link OutboxFullError}.
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
   * One conditional write (`findOneAndUpdate`) that sets `set` (and removes `unset`) and records
   * `events`, then their publication as above. Resolves to the written document (only `projection`'s fields, if given),
   * or null when nothing matched `filter`; never rejects over Kafka. Rejects with
   * {@link OutboxFullError} when the document matches but its outbox is full.
   */
  async recordAndPublish(
    collection: Collection<StringIdDocument>,
    filter: Filter<StringIdDocument>,
    set: Record<string, unknown>,
    events: RekeyEvent[],
    { unset, projection, onWritten }: FastPathOptions = {},
  ): Promise<StringIdDocument | null> {
    // While Kafka is failing, record without claiming or reading the outbox back: the relay's back-off finds out when it returns.
    const direct = this.producer.available;
    const claim = randomUUID();
    const claimFields = direct ? { [OUTBOX.claimedBy]: claim, [OUTBOX.claimUntil]: new Date(Date.now() + CLAIM_MS) } : {};
    const fields = direct ? projection && { ...projection, ...OUTBOX_FIELDS } : (projection ?? { [OUTBOX.events]: 0 });
    const removed = unset?.length ? { $unset: Object.fromEntries(unset.map((field) => [field, ''])) } : {};
    const update = recordEvents({ $set: { ...set, ...claimFields }, ...removed }, ...events) as UpdateFilter<StringIdDocument>;
    const written = await collection.findOneAndUpdate({ ...filter, ...outboxHasRoom() }, update, { returnDocument: 'after', ...(fields && { projection: fields }) });
    if (!written) return this.refuseIfFull(collection, filter);
    onWritten?.();
    if (direct) await this.publish(collection, { _id: written._id, [OUTBOX.claimedBy]: claim }, outboxEventsOf(written), Boolean(written[OUTBOX.deletedAt]));
    else this.relay.wake();
    return written;
  }

  /** Nothing written: null if nothing matches, OutboxFullError if only the bound stopped the write. */
  private async refuseIfFull(collection: Collection<StringIdDocument>, filter: Filter<StringIdDocument>): Promise<null> {
    if (await collection.findOne(filter, { projection: { _id: 1 } })) throw new OutboxFullError();
    return null;
  }

  /**
   * Resolves once Kafka acknowledged, or after PUBLISH_TIMEOUT_MS with the rest going on in the
   * background. Clearing the outbox is never waited for: from the acknowledgement on the events
   * are in Kafka, and until they are cleared the claim keeps other replicas' relays off them and
   * `sending` this process's (both only ever remove what was sent). The relay's shutdown flush
   * waits for the clearing, as it does for any pending outbox.
   */
  private async publish(collection: Collection<StringIdDocument>, mine: Claimed, outbox: RekeyEvent[], purge: boolean): Promise<void> {
    const events = this.relay.sending.take(outbox);
    const acknowledged = this.producer.send(this.topic, events).then(
      () => {
        this.relay.sending.release(events, true);
        // The entries before these are usually a previous change's here, whose clearing this write's
        // claim stopped: acknowledged by now (sends are acknowledged in order), they are cleared
        // with these. Purging deletes the document: only once everything it holds was sent.
        const whole = outbox.every((event) => this.relay.sending.wasSent(event));
        void this.clear(collection, mine, events, whole ? outbox : events, purge && whole);
      },
      async (error: unknown) => {
        this.relay.sending.release(events, false);
        await this.handOver(collection, mine, error);
      },
    );
    // `acknowledged` never rejects: a missed deadline only means the rest goes on in the background.
    await withDeadline(acknowledged, PUBLISH_TIMEOUT_MS).catch(() => undefined);
  }

  /** `events` were just published; `sent` (they and maybe entries before them) are what the outbox should hold exactly, all sent, to be cleared. */
  private async clear(collection: Collection<StringIdDocument>, mine: Claimed, events: RekeyEvent[], sent: RekeyEvent[], purge: boolean): Promise<void> {
    this.relay.observePublished(events);
    try {
      if (await this.clearingOf(collection).clear(mine._id, mine[OUTBOX.claimedBy], sent, purge)) return;
      // The outbox holds more (another write, or entries someone else is sending): remove exactly these, whoever claims it now.
      await collection.updateOne({ _id: mine._id }, { $pullAll: { [OUTBOX.events]: sent } as never });
      await collection.updateOne(mine, UNCLAIM);
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
