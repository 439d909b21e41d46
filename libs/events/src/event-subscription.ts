/**
 * The options of an `@EventPattern(type, options)` handler. Handlers naming the same `group`
 * share one consumer group (and must agree on the other options); each group consumes the topics
 * of its handlers' event types.
 */
export interface EventSubscription {
  /** Consumer group id: one per subscription, stable across restarts (offsets and de-duplication live under it). */
  group: string;
  /**
   * Every replica sees every event (cache invalidation, revocation fan-out): the group id gets a
   * per-instance suffix, and de-duplication is in memory since the group lives as long as the process.
   */
  broadcast?: boolean;
  /** A group without committed offsets starts at the beginning of the topics rather than at their end. */
  fromBeginning?: boolean;
  /** Attempts of a failing handler before its event goes to the dead-letter topic (default 5). */
  maxAttempts?: number;
  /**
   * The handler takes events a batch at a time: `@Payload()` the payloads of consecutive events of
   * its type from one partition's fetch (in order, at most 100), `@Ctx()` an
   * `EventBatchContext`. Failing a batch hands its events to the handler again one at a time
   * (retried and dead-lettered as usual), so a batch handler must tolerate a repeat.
   */
  batch?: boolean;
  /**
   * How long Kafka may hold a fetch to gather more of the group's events (until 64 KiB are there)
   * instead of answering with each event as it arrives: for a group that can take its events this
   * much later, fewer and larger fetches cost it and the broker far less under a steady stream
   * (default 0: as they arrive).
   */
  gatherMs?: number;
}

const DEFAULT_MAX_ATTEMPTS = 5;

/** The subscription of a handler's `@EventPattern` extras, with its defaults; throws when they are not one. */
export function subscriptionOf(type: string, extras: Record<string, unknown> | undefined): Required<EventSubscription> {
  const { group, broadcast = false, fromBeginning = false, maxAttempts = DEFAULT_MAX_ATTEMPTS, batch = false, gatherMs = 0 } = (extras ?? {}) as Partial<EventSubscription>;
  if (typeof group !== 'string' || group === '') throw new Error(`@EventPattern('${type}') needs a consumer group: @EventPattern('${type}', { group: '...' })`);
  if (typeof broadcast !== 'boolean' || typeof fromBeginning !== 'boolean' || typeof batch !== 'boolean' || !Number.isInteger(maxAttempts) || maxAttempts < 1 || !Number.isInteger(gatherMs) || gatherMs < 0) {
    throw new Error(`@EventPattern('${type}', { group: '${group}' }): broadcast, fromBeginning and batch are booleans, maxAttempts a positive integer, gatherMs a whole number of milliseconds`);
  }
  return { group, broadcast, fromBeginning, maxAttempts, batch, gatherMs };
}

/** Whether two subscriptions of one group agree. */
export function sameSubscription(a: Required<EventSubscription>, b: Required<EventSubscription>): boolean {
  return a.group === b.group && a.broadcast === b.broadcast && a.fromBeginning === b.fromBeginning && a.maxAttempts === b.maxAttempts && a.batch === b.batch && a.gatherMs === b.gatherMs;
}
