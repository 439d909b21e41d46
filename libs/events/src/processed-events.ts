import type { Connection } from 'mongoose';

/** Remembers which events a consumer group has handled, for de-duplication on `ce_id`. */
export interface ProcessedEvents {
  has(groupId: string, eventId: string): Promise<boolean>;
  add(groupId: string, eventId: string): Promise<void>;
}

/** Injection token of the app's {@link ProcessedEvents} store. */
export const PROCESSED_EVENTS = Symbol('PROCESSED_EVENTS');

/**
 * Durable store in the consuming app's own database (`processed_events`). Entries are not expired
 * by a TTL index, which the local MongoDB stand-ins lack; a redelivery older than the retention a
 * deployment configures on MongoDB is handled again, which handlers tolerate (at-least-once).
 */
export class MongoProcessedEvents implements ProcessedEvents {
  constructor(private readonly connection: Connection) {}

  private get collection() {
    return this.connection.collection<{ _id: string; at: Date }>('processed_events');
  }

  async has(groupId: string, eventId: string): Promise<boolean> {
    return (await this.collection.findOne({ _id: `${groupId}:${eventId}` }, { projection: { _id: 1 } })) !== null;
  }

  async add(groupId: string, eventId: string): Promise<void> {
    await this.collection.updateOne({ _id: `${groupId}:${eventId}` }, { $set: { at: new Date() } }, { upsert: true });
  }
}

/** Bounded in-memory store, for consumers without a database (e.g. tools/subscribers). */
export class MemoryProcessedEvents implements ProcessedEvents {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity = 100_000) {}

  async has(groupId: string, eventId: string): Promise<boolean> {
    return this.seen.has(`${groupId}:${eventId}`);
  }

  async add(groupId: string, eventId: string): Promise<void> {
    this.seen.add(`${groupId}:${eventId}`);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value as string);
  }
}
