import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';
import type { Model } from 'mongoose';

/**
 * A model's collection in the driver's own terms, typed by its documents: what a repository queries
 * (see "Persistence" in the README). The lean documents are the same, without mongoose's per-query
 * work (casting, query objects, a stack trace per exec), so filters and updates carry values of
 * their stored types (strings, numbers, dates).
 */
export function driverCollection<T extends Document = StringIdDocument>(model: Pick<Model<never>, 'collection'>): Collection<T> {
  return model.collection as unknown as Collection<T>;
}

/** Rekey's documents have string ids (UUIDs, ARNs). */
export type StringIdDocument = Document & { _id: string };

const DUPLICATE_KEY = 11000;

/** Whether a write failed only because a document with its unique key (`_id` or a unique index) is already stored. */
export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number } | undefined)?.code === DUPLICATE_KEY;
}

/**
 * Inserts `documents` in one unordered round trip, leaving those whose `_id` is already stored as
 * they are (a repeat of a write that was done); rejects on any other failure.
 */
export async function insertNew<T extends StringIdDocument>(collection: Collection<T>, documents: OptionalUnlessRequiredId<T>[]): Promise<void> {
  if (documents.length === 0) return;
  try {
    await collection.insertMany(documents, { ordered: false });
  } catch (error) {
    const failures = (error as { writeErrors?: Array<{ code?: number }> | { code?: number } }).writeErrors;
    if (!failures || ![failures].flat().every(isDuplicateKey)) throw error;
  }
}
