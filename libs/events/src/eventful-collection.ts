import { Injectable } from '@nestjs/common';
import type { Collection, Filter, OptionalUnlessRequiredId, UpdateFilter } from 'mongodb';
import type { Model } from 'mongoose';
import { driverCollection, StringIdDocument } from './driver-collection';
import { RekeyEvent } from './event';
import { KnownDocuments } from './known-documents';
import { NOT_DELETED, OUTBOX, outboxForCreate, recordEvents } from './outbox';
import { OutboxFastPath } from './outbox-fast-path';
import { OutboxRelay } from './outbox-relay';

/** Under contention every round lets one writer through, so this bounds the wait of the last of 64 concurrent writers. */
export const MAX_CHANGE_ATTEMPTS = 64;

/** What a compare-and-set writes, given the current document. */
export interface Change {
  /** Fields to set. */
  set?: Record<string, unknown>;
  /** Fields to remove. */
  unset?: string[];
  /** The events describing the result; none for a change nobody subscribes to (e.g. tags). */
  events: RekeyEvent[];
  /** Conditions the document must still meet when written, beyond the read's filter and version. */
  where?: Record<string, unknown>;
}

/** How a collection's compare-and-set works. */
export interface ChangeOptions {
  /** Numeric field, +1 per change: the write applies only if it is unchanged since the read. */
  version?: string;
  /** The written document's fields to read back (all if absent): less to read on a hot path. */
  projection?: Record<string, 1>;
  /**
   * With `version`: the next change of the same document (by `_id`) decides on the state this one
   * wrote and writes without reading first, a read only following a miss (see KnownDocuments).
   * Right only if every field `decide` reads is either fixed or changed only with the version (as
   * the compare-and-set itself assumes) or re-checked by the change's `where`, and if `decide`
   * throws only on what is fixed or outside the document (an error is not checked by a write).
   */
  remember?: boolean;
}

/**
 * A compare-and-set that lost {@link MAX_CHANGE_ATTEMPTS} races in a row. Each app answers it with
 * its API's error (see `contended` in {@link EventfulCollections.register}).
 */
export class ConcurrentChangeError extends Error {
  readonly code = 'CONCURRENT_CHANGE';

  constructor(id: string) {
    super(`Too many concurrent changes of ${id}; retry`);
  }
}

/** Registration options: the error a lost compare-and-set becomes (a ConcurrentChangeError if absent). */
export interface EventfulCollectionOptions<T> {
  contended?: (current: T) => Error;
}

/**
 * A repository's collection whose writes carry events in the document's outbox: the one write
 * path of the apps. It inserts with events, changes with events (a one-off conditional write, or
 * compare-and-set), publishes through the outbox fast path where the caller waits for the events,
 * and wakes the relay otherwise. Obtained from {@link EventfulCollections.register}.
 */
export class EventfulCollection<T extends StringIdDocument> {
  private readonly known = new Map<string, KnownDocuments<T>>();

  constructor(
    /** The typed driver collection, for the repository's reads and event-less writes. */
    readonly collection: Collection<T>,
    private readonly fastPath: OutboxFastPath,
    private readonly relay: OutboxRelay,
    private readonly contended: (current: T) => Error,
  ) {}

  /** Inserts `doc` with its events in one write; the relay publishes them. Undefined fields are not stored. */
  async insert(doc: OptionalUnlessRequiredId<T>, ...events: RekeyEvent[]): Promise<void> {
    await this.collection.insertOne({ ...doc, ...outboxForCreate(...events) }, { ignoreUndefined: true });
    this.relay.wake();
  }

  /**
   * One conditional update (`upsert` allowed) that also records `events`; the relay publishes them.
   * Resolves to whether a document matched or was inserted.
   */
  async record(filter: Filter<T>, update: UpdateFilter<T>, events: RekeyEvent[], { upsert = false } = {}): Promise<boolean> {
    const result = await this.collection.updateOne(filter, recordEvents(update as Record<string, unknown>, ...events) as UpdateFilter<T>, { upsert });
    const applied = result.matchedCount + result.upsertedCount > 0;
    if (applied) this.relay.wake();
    return applied;
  }

  /**
   * One conditional write of `change` with its events, published before this resolves (the outbox
   * fast path, at most a second's wait). Resolves to the written document (`projection`'s fields,
   * if given), or null when nothing matched `filter`. `onWritten` runs once the write is done, before the publication.
   */
  async publish(filter: Filter<T>, change: Pick<Change, 'set' | 'unset' | 'events'>, projection?: Record<string, 1>, onWritten?: () => void): Promise<T | null> {
    const written = await this.fastPath.recordAndPublish(this.driver, filter as Filter<StringIdDocument>, change.set ?? {}, change.events, { unset: change.unset, projection, onWritten });
    return written as T | null;
  }

  /**
   * Compare-and-set: reads the live document matching `filter`, applies `decide(current)` as one
   * write conditional on what was read (the `version` field, and the change's `where`), retrying on
   * a lost race, so each event is built from exactly the state its write produced. `decide`
   * returning null means "nothing to change": the current document is returned unwritten. Resolves
   * to the written document (`projection`'s fields, if given), or null when no live document matches; after
   * {@link MAX_CHANGE_ATTEMPTS} lost races rejects with the registration's `contended` error.
   */
  async change(filter: Filter<T>, decide: (current: T) => Change | null | Promise<Change | null>, { version, projection, remember = false }: ChangeOptions = {}): Promise<T | null> {
    const known = remember && version !== undefined ? this.knownOf(version) : undefined;
    const leave = (await known?.turn(filter._id)) ?? (() => undefined);
    try {
      return await this.changeInTurn(filter, decide, version, projection, known, leave);
    } finally {
      leave();
    }
  }

  private async changeInTurn(
    filter: Filter<T>,
    decide: (current: T) => Change | null | Promise<Change | null>,
    version: string | undefined,
    projection: Record<string, 1> | undefined,
    known: KnownDocuments<T> | undefined,
    leave: () => void,
  ): Promise<T | null> {
    const live = { ...filter, ...NOT_DELETED } as Filter<T>;
    let guess = known?.guess(filter as Record<string, unknown>);
    let current: T | null = null;
    for (let attempt = 0; attempt < MAX_CHANGE_ATTEMPTS; attempt += 1) {
      const guessed = guess !== undefined;
      // Not the outbox: decisions never read it, and it can hold hundreds of events while Kafka is away.
      current = guess ?? ((await this.collection.findOne(live, { projection: { [OUTBOX.events]: 0 } })) as T | null);
      guess = undefined;
      if (!current) {
        known?.forget(filter._id);
        return null;
      }
      const change = await decide(current);
      // Only a write checks a guess: a guess that decides on no write is read instead.
      if (!change && guessed) continue;
      if (!change) return current;
      const at = version === undefined ? {} : { [version]: current[version] };
      const condition = { ...live, ...change.where, ...at } as Filter<T>;
      const set = version === undefined ? change.set : { ...change.set, [version]: (current[version] as number) + 1 };
      const decided = current;
      // Remembered as soon as written, and the next change's turn begins: it need not wait for this one's publication.
      const onWritten = () => {
        known?.written(decided, set ?? {}, change.unset ?? [], guessed);
        leave();
      };
      const written = change.events.length > 0 ? await this.publish(condition, { ...change, set }, projection, onWritten) : await this.write(condition, set, change.unset);
      if (written) {
        if (change.events.length === 0) onWritten();
        return written;
      }
    }
    throw this.contended(current!);
  }

  /** The memory of `remember` changes, one per version field. */
  private knownOf(version: string): KnownDocuments<T> {
    let known = this.known.get(version);
    if (!known) this.known.set(version, (known = new KnownDocuments<T>(version)));
    return known;
  }

  private get driver(): Collection<StringIdDocument> {
    return this.collection as unknown as Collection<StringIdDocument>;
  }

  /** A change without events: no outbox involved. */
  private async write(filter: Filter<T>, set: Record<string, unknown> = {}, unset: string[] = []): Promise<T | null> {
    const update = { $set: set, ...(unset.length > 0 && { $unset: Object.fromEntries(unset.map((field) => [field, ''])) }) } as UpdateFilter<T>;
    return (await this.collection.findOneAndUpdate(filter, update, { returnDocument: 'after', projection: { [OUTBOX.events]: 0 } })) as T | null;
  }
}

/**
 * Where repositories get their {@link EventfulCollection}: registering a model's collection also
 * has the outbox relay watch it, once per collection, so no module registers anything itself.
 */
@Injectable()
export class EventfulCollections {
  private readonly registered = new Map<string, EventfulCollection<never>>();

  constructor(
    private readonly fastPath: OutboxFastPath,
    private readonly relay: OutboxRelay,
  ) {}

  /** The model's collection with its outbox, watched by the relay from now on. Call from the repository's constructor. */
  register<T extends StringIdDocument>(model: Pick<Model<never>, 'collection' | 'db'>, options: EventfulCollectionOptions<T> = {}): EventfulCollection<T> {
    const name = model.collection.collectionName;
    let found = this.registered.get(name) as EventfulCollection<T> | undefined;
    if (!found) {
      this.relay.watch(model);
      const contended = options.contended ?? ((current: T) => new ConcurrentChangeError(current._id));
      found = new EventfulCollection<T>(driverCollection<T>(model), this.fastPath, this.relay, contended);
      this.registered.set(name, found as unknown as EventfulCollection<never>);
    }
    return found;
  }
}
