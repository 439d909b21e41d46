import type { Collection, Document } from 'mongodb';
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
