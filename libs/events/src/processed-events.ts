import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '@rekey/platform';
import type { Connection } from 'mongoose';
import { insertNew } from './driver-collection';

/** Remembers which events a consumer group has handled, for de-duplication on `ce_id`; a batch at a time. */
export interface ProcessedEvents {
  /** Which of `eventIds` the group has handled already. */
  seen(groupId: string, eventIds: string[]): Promise<Set<string>>;
  add(groupId: string, eventIds: string[]): Promise<void>;
}

/** Injection token of the app's {@link ProcessedEvents} store. */
export const PROCESSED_EVENTS = Symbol('PROCESSED_EVENTS');

const entryId = (groupId: string, eventId: string) => `${groupId}:${eventId}`;

/**
 * How long an event is remembered: as long as Kafka keeps a topic's messages by default (7 days),
 * past which a message is not fetched again. A redelivery older than this would be handled again,
 * which handlers tolerate (at-least-once).
 */
export const PROCESSED_EVENTS_KEPT_MS = 7 * 24 * 3_600_000;

/**
 * Durable store in the consuming app's own database (`processed_events`), one round trip per
 * batch; entries older than PROCESSED_EVENTS_KEPT_MS are removed by {@link ProcessedEventsExpiry}
 * (not a TTL index, which FerretDB lacks).
 */
export class MongoProcessedEvents implements ProcessedEvents {
  constructor(private readonly connection: Connection) {}

  private get collection() {
    return this.connection.collection<{ _id: string; at: Date }>('processed_events');
  }

  async seen(groupId: string, eventIds: string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const prefix = entryId(groupId, '');
    const found = await this.collection.find({ _id: { $in: eventIds.map((id) => entryId(groupId, id)) } }, { projection: { _id: 1 } }).toArray();
    return new Set(found.map(({ _id }) => _id.slice(prefix.length)));
  }

  async add(groupId: string, eventIds: string[]): Promise<void> {
    const at = new Date();
    // Entries already there (an event handled again after a crash) stay.
    await insertNew(this.collection, eventIds.map((id) => ({ _id: entryId(groupId, id), at })));
  }

  /** Forgets every event handled before `cutoff` (any group); answers how many. */
  async forgetBefore(cutoff: Date): Promise<number> {
    await this.collection.createIndex({ at: 1 });
    return (await this.collection.deleteMany({ at: { $lt: cutoff } })).deletedCount;
  }
}

/** How often each replica removes expired entries (replicas doing it at once is harmless). */
const EXPIRY_EVERY_MS = 3_600_000;

/** Removes the app's `processed_events` entries older than PROCESSED_EVENTS_KEPT_MS, at start-up and hourly. */
@Injectable()
export class ProcessedEventsExpiry implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly expiry = new PeriodicTask(new Logger(ProcessedEventsExpiry.name), 'removing expired processed_events entries', () =>
    this.processed.forgetBefore(new Date(Date.now() - PROCESSED_EVENTS_KEPT_MS)),
  );

  constructor(@Inject(PROCESSED_EVENTS) private readonly processed: MongoProcessedEvents) {}

  onApplicationBootstrap(): void {
    this.expiry.start(EXPIRY_EVERY_MS, { now: true });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.expiry.stop();
  }

  /** One removal now (or the one running); answers how many entries it removed. */
  expire(): Promise<number> {
    return this.expiry.run();
  }
}

/** Bounded in-memory store, for consumers without a database (e.g. tools/subscribers). */
export class MemoryProcessedEvents implements ProcessedEvents {
  private readonly entries = new Set<string>();

  constructor(private readonly capacity = 100_000) {}

  async seen(groupId: string, eventIds: string[]): Promise<Set<string>> {
    return new Set(eventIds.filter((id) => this.entries.has(entryId(groupId, id))));
  }

  async add(groupId: string, eventIds: string[]): Promise<void> {
    for (const id of eventIds) {
      this.entries.add(entryId(groupId, id));
      if (this.entries.size > this.capacity) this.entries.delete(this.entries.values().next().value as string);
    }
  }
}
