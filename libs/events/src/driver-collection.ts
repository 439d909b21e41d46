import type { Collection, Document } from 'mongodb';
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
