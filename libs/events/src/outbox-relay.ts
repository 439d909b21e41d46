import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { METRICS_REGISTRY, PeriodicTask } from '@rekey/platform';
import type { Collection, Document, UpdateFilter } from 'mongodb';
import type { Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { EVENTS_TOPIC } from './events.tokens';
import { EventProducer } from './event-producer';
import { RekeyEvent } from './event';
import { OUTBOX, outboxEventsOf, UNCLAIM } from './outbox';
import { SendingEvents } from './sending-events';

/** Documents per pass. */
const BATCH_SIZE = 50;
/**
 * Entries read per document per pass (oldest first; the rest go in the next passes). A backlog
 * (Kafka back after minutes away) is drained in passes of at most BATCH_SIZE × this many events,
 * so that no single read, produce or removal holds the app's event loop or the database long
 * enough to delay the requests answered meanwhile.
 */
const ENTRIES_PER_DOCUMENT = 20;
/** A claim outlives a slow publish; a crashed replica's claims expire after it. */
const LEASE_MS = 30_000;
const POLL_MS = 1_000;
const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 5_000;

const PENDING = { [OUTBOX.pending]: true };

/** A watched collection and how to count its pending documents. */
interface Outbox {
  collection: Collection;
  countPending(): Promise<number>;
}

/**
 * The `count` command rather than countDocuments: countDocuments is an aggregation, which
 * mongo-java-server answers by scanning the whole collection, where `count` uses the index.
 */
function outboxOf(model: Pick<Model<unknown>, 'collection' | 'db'>): Outbox {
  const collection = model.collection as unknown as Collection;
  return {
    collection,
    countPending: async () => {
      const answer = await model.db.db!.command({ count: collection.collectionName, query: PENDING });
      return answer.n as number;
    },
  };
}

/**
 * Publishes the events recorded in the watched collections' in-document outboxes, in order per
 * document, then removes them. Woken right after each write, with a slow poll as the safety net.
 * Replicas claim documents with expiring leases, so several can run; a crash between publish and
 * removal republishes the same events with the same ids, which subscribers de-duplicate.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly outboxes: Outbox[] = [];
  private draining?: Promise<void>;
  private wakeRequested = false;
  private backoffMs = 0;
  /** While backing off after a failure, wakes only note that there is work: the retry timer runs it. */
  private backingOffUntil = 0;
  /** What this process is sending or has just sent (the relay or a request's fast path): each entry goes out once. */
  readonly sending = new SendingEvents();
  private readonly poll = new PeriodicTask(this.logger, 'outbox poll', () => this.wake());
  private retry?: NodeJS.Timeout;
  private readonly publishLatency: Histogram;
  private readonly publishErrors: Counter;

  constructor(
    private readonly producer: EventProducer,
    @Inject(EVENTS_TOPIC) private readonly topic: string,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.publishLatency = new Histogram({
      name: 'rekey_outbox_publish_latency_seconds',
      help: 'From an event being recorded to Kafka acknowledging it',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    this.publishErrors = new Counter({ name: 'rekey_outbox_publish_errors_total', help: 'Failed attempts to publish outbox events', registers: [registry] });
    const outboxes = this.outboxes;
    new Gauge({
      name: 'rekey_outbox_backlog_documents',
      help: 'Documents holding events not yet published',
      registers: [registry],
      async collect() {
        const counts = await Promise.all(outboxes.map((outbox) => outbox.countPending()));
        this.set(counts.reduce((sum, n) => sum + n, 0));
      },
    });
  }

  /** Relays the outbox of this model's collection. Call from the feature module's onModuleInit. */
  watch(model: Pick<Model<unknown>, 'collection' | 'db'>): void {
    this.outboxes.push(outboxOf(model));
  }

  /** Called after a write: publish now rather than at the next poll. */
  wake(): void {
    this.wakeRequested = true;
    if (Date.now() < this.backingOffUntil) return;
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      // A wake that came after the last pass but before this callback must not wait for the poll.
      if (this.wakeRequested) this.wake();
    });
  }

  /** Resolves once nothing recorded so far remains unpublished, or rejects after the timeout. */
  async flush(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.wake();
      await this.draining;
      const pending = await Promise.all(this.outboxes.map(({ collection }) => collection.findOne(PENDING, { projection: { _id: 1 } })));
      if (pending.every((doc) => doc === null)) return;
      if (Date.now() > deadline) throw new Error(`outbox not drained within ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  /** Records how long these events, just acknowledged by Kafka, waited since they were recorded. */
  observePublished(events: RekeyEvent[]): void {
    const ackedAt = Date.now();
    for (const event of events) this.publishLatency.observe((ackedAt - Date.parse(event.time)) / 1000);
  }

  onApplicationBootstrap(): void {
    this.poll.start(POLL_MS, { now: true });
  }

  /** Runs after the HTTP server stopped taking requests (see runApp) and before MongoDB closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.poll.stop();
    await this.flush(5_000).catch((error: Error) => this.logger.warn(`shutting down with events left in the outbox: ${error.message}`));
    clearTimeout(this.retry);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.close();
  }

  private async drain(): Promise<void> {
    while (this.wakeRequested) {
      this.wakeRequested = false;
      try {
        let published: number;
        do {
          published = 0;
          for (const { collection } of this.outboxes) published += await this.relayBatch(collection);
        } while (published > 0);
        if (this.backoffMs > 0) this.logger.log('outbox relay publishing again');
        this.backoffMs = 0;
      } catch (error) {
        this.backOff(error as Error);
        return;
      }
    }
  }

  /** Exponential, with jitter so that replicas do not retry in step; the poll and writes' wakes wait for it too. */
  private backOff(error: Error): void {
    this.publishErrors.inc();
    // Log the first failure and then once per doubling, not on every attempt.
    if (this.backoffMs < MAX_BACKOFF_MS) this.logger.warn(`outbox relay failed, backing off: ${error.message}`);
    this.backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(MIN_BACKOFF_MS, this.backoffMs * 2));
    const delayMs = this.backoffMs / 2 + Math.random() * (this.backoffMs / 2);
    this.backingOffUntil = Date.now() + delayMs;
    this.wakeRequested = true;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.wake(), delayMs);
    this.retry.unref();
  }

  /** Claims up to a batch of documents, publishes their events, removes exactly those. */
  private async relayBatch(collection: Collection): Promise<number> {
    const now = new Date();
    const claimable = {
      ...PENDING,
      $or: [{ [OUTBOX.claimUntil]: { $exists: false } }, { [OUTBOX.claimUntil]: { $lt: now } }],
    };
    const candidates = await collection.find(claimable, { projection: { _id: 1 } }).limit(BATCH_SIZE).toArray();
    if (candidates.length === 0) return 0;
    const ids = candidates.map((c) => c._id);
    const claim = randomUUID();
    await collection.updateMany(
      { _id: { $in: ids }, ...claimable },
      { $set: { [OUTBOX.claimedBy]: claim, [OUTBOX.claimUntil]: new Date(now.getTime() + LEASE_MS) } },
    );
    const claimed = await collection.find({ _id: { $in: ids }, [OUTBOX.claimedBy]: claim }, { projection: { _id: 1, [OUTBOX.events]: { $slice: ENTRIES_PER_DOCUMENT } } }).toArray();
    // Another replica may have claimed every candidate between the two queries.
    if (claimed.length === 0) return 0;
    // Entries a request is sending are its own to send and remove; entries sent lately are only removed.
    const toSend = claimed.map((doc) => {
      const outbox = outboxEventsOf(doc);
      const sent = outbox.filter((event) => this.sending.wasSent(event));
      return { _id: doc._id, sent, events: this.sending.take(outbox) };
    });
    const events = toSend.flatMap((doc) => doc.events);
    let published = false;
    try {
      try {
        await this.producer.send(this.topic, events);
      } catch (error) {
        await collection.updateMany({ _id: { $in: ids }, [OUTBOX.claimedBy]: claim }, UNCLAIM);
        throw error;
      }
      published = true;
      this.observePublished(events);
      // $pullAll of the exact entries sent, whoever holds the claim now: entries appended meanwhile stay (FerretDB ignores $pull conditions).
      await collection.bulkWrite(
        toSend.map((doc) => ({
          updateOne: { filter: { _id: doc._id }, update: { $pullAll: { [OUTBOX.events]: [...doc.sent, ...doc.events] } } as unknown as UpdateFilter<Document> },
        })),
      );
    } finally {
      this.sending.release(events, published);
    }
    await collection.updateMany({ _id: { $in: ids }, [OUTBOX.claimedBy]: claim }, UNCLAIM);
    const drained = { _id: { $in: ids }, [OUTBOX.events]: { $size: 0 } };
    await collection.updateMany(drained, { $set: { [OUTBOX.pending]: false } });
    await collection.deleteMany({ ...drained, [OUTBOX.deletedAt]: { $exists: true } });
    // Entries left to a request's fast path are not progress: it wakes the relay when it is done with them.
    return events.length;
  }
}
