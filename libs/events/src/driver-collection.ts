import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';
import type { Model } from 'mongoose';

/**
 * The model's collection in the driver's own terms, for hot paths: the lean documents are the
 * same, without mongoose's per-query work (casting, query objects, a stack trace per exec). Only
 * for filters and updates whose values already have their stored types (strings, numbers, dates).
 */
export function driverCollection(model: Pick<Model<never>, 'collection'>): Collection<StringIdDocument> {
  return model.collection as unknown as Collection<StringIdDocument>;
}

/** Rekey's documents have string ids (UUIDs, ARNs). */
export type StringIdDocument = Document & { _id: string };

const DUPLICATE_KEY = 11000;

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
    if (!failures || ![failures].flat().every(({ code }) => code === DUPLICATE_KEY)) throw error;
  }
}
