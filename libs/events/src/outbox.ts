import type { Schema } from 'mongoose';
import { RekeyEvent } from './event';

/**
 * The in-document outbox: events travel inside the document whose change they describe, in the
 * same single-document write, so state and events are atomic without transactions (which
 * FerretDB and mongo-java-server lack). Field names start with `_outbox` so they never clash with the resource's own.
 */
export const OUTBOX = {
  events: '_outbox',
  pending: '_outboxPending',
  claimedBy: '_outboxClaimedBy',
  claimUntil: '_outboxClaimUntil',
  deletedAt: '_deletedAt',
} as const;

/** Adds the outbox fields and the index the relay's claim query uses. */
export function withOutbox(schema: Schema): Schema {
  schema.add({
    [OUTBOX.events]: { type: [Object], default: undefined },
    [OUTBOX.pending]: { type: Boolean },
    [OUTBOX.claimedBy]: { type: String },
    [OUTBOX.claimUntil]: { type: Date },
    [OUTBOX.deletedAt]: { type: Date },
  });
  schema.index({ [OUTBOX.pending]: 1 }, { sparse: true });
  return schema;
}

/**
 * At most this many unpublished events per document (about 2.5 minutes of rotations at 3 per
 * second): a bound on the document's size, on what each write reads back and on a relay pass.
 */
export const MAX_OUTBOX_EVENTS = 500;

/** Filter fragment: the document's outbox has room for another write's events. */
export function outboxHasRoom(): Record<string, unknown> {
  return { [`${OUTBOX.events}.${MAX_OUTBOX_EVENTS - 1}`]: { $exists: false } };
}

/**
 * A change refused because its document's outbox is full (Kafka away for minutes while the
 * resource keeps changing). Nothing was written, so nothing acknowledged can be lost: the API
 * answers its 503 (the `statusCode`), which the SDKs retry, until the relay has drained the outbox.
 */
export class OutboxFullError extends Error {
  readonly code = 'OUTBOX_FULL';
  readonly statusCode = 503;

  constructor() {
    super('Too many changes of this resource are waiting to be published; retry later');
  }
}

type Update = Record<string, unknown> & { $set?: Record<string, unknown>; $push?: Record<string, unknown> };

/**
 * Merges "append these events" into a caller's update document, e.g.
 * `Model.findOneAndUpdate(filter, recordEvents({ $set: { name } }, event))`.
 */
export function recordEvents(update: Update, ...events: RekeyEvent[]): Update {
  return {
    ...update,
    $set: { ...update.$set, [OUTBOX.pending]: true },
    $push: { ...update.$push, [OUTBOX.events]: { $each: events } },
  };
}

/** The events waiting in a document's outbox, oldest first. */
export function outboxEventsOf(doc: Record<string, unknown>): RekeyEvent[] {
  return (doc[OUTBOX.events] ?? []) as RekeyEvent[];
}

/** Update fragment that ends a claim on a document's outbox (the relay's or a request's). */
export const UNCLAIM = { $unset: { [OUTBOX.claimedBy]: '', [OUTBOX.claimUntil]: '' } };

/** The outbox fields of a document created together with its events. */
export function outboxForCreate(...events: RekeyEvent[]): Record<string, unknown> {
  return { [OUTBOX.events]: events, [OUTBOX.pending]: true };
}

/**
 * `$set` fields that delete a document once its events are published: deleting it outright
 * would delete them too. Queries exclude such documents with {@link NOT_DELETED}.
 */
export function markDeleted(): Record<string, unknown> {
  return { [OUTBOX.deletedAt]: new Date() };
}

/** Filter fragment excluding documents marked deleted and awaiting purge. */
export const NOT_DELETED: Record<string, unknown> = { [OUTBOX.deletedAt]: { $exists: false } };
