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
 * Durable store in the consuming app's own database (`processed_events`), one round trip per
 * batch. Entries are not expired by a TTL index, which the local MongoDB stand-ins lack; a
 * redelivery older than the retention a deployment configures on MongoDB is handled again, which
 * handlers tolerate (at-least-once).
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
