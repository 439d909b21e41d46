import { ServiceError } from '@rekey/aws-protocol';
import { driverCollection, NOT_DELETED, OUTBOX, OutboxFastPath, RekeyEvent, StringIdDocument } from '@rekey/events';
import type { Filter } from 'mongodb';
import type { FilterQuery, Model } from 'mongoose';

/** A document that is changed by compare-and-set on its `revision` (+1 per change). */
export interface Revisioned {
  _id: string;
  revision: number;
}

/** What to write, given the current state: fields to set and the events describing the result. */
export interface Change {
  set: Record<string, unknown>;
  events: RekeyEvent[];
}

/** Under contention every round lets one writer through, so this bounds the wait of the last of 64. */
const MAX_ATTEMPTS = 64;

/**
 * Applies `decide(current)` to one live document as a single atomic write that also records the
 * change's events: read, decide, then `findOneAndUpdate` conditional on the revision read,
 * retrying on conflict. So each event is built from exactly the state its write produced (e.g.
 * the generation of a rotation), however many writers race. The events are published before
 * this resolves (OutboxFastPath.recordAndPublish). `decide` returning null means "nothing to change" and the current
 * document is returned unwritten. Resolves to null when no live document matches `filter`.
 */
export async function compareAndSet<T extends Revisioned>(model: Model<T>, outbox: OutboxFastPath, filter: FilterQuery<T>, decide: (current: T) => Change | null): Promise<T | null> {
  const documents = driverCollection(model);
  const live = { ...filter, ...NOT_DELETED } as Filter<StringIdDocument>;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    // Not the outbox: decisions never read it, and it can hold hundreds of events while Kafka is away.
    const current = (await documents.findOne(live, { projection: { [OUTBOX.events]: 0 } })) as unknown as T | null;
    if (!current) return null;
    const change = decide(current);
    if (!change) return current;
    const written = await outbox.recordAndPublish(documents, { ...live, revision: current.revision }, { ...change.set, revision: current.revision + 1 }, change.events);
    if (written) return written as unknown as T;
  }
  // Only under pathological contention: the SDKs retry a throttling error.
  throw new ServiceError('Throttled', 'Too many concurrent changes of this resource, retry');
}
