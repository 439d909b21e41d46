import { MongoClient } from 'mongodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { SETTINGS } from '../lib/measure';

/** What every section shares: the servers, a raw driver client, a run id for database names. */
export interface BenchContext {
  infra: { mongoUrl: string; kafkaBrokers: string };
  mongo: MongoClient;
  runId: string;
  /** Databases made by this run, dropped at the end. */
  databases: string[];
  /** Kafka topics made by this run (by the ceilings' producers), deleted at the end. */
  topics: string[];
}

export const TENANT = '111111111111';

/** A database of this run, registered for clean-up. */
export function database(context: BenchContext, name: string): string {
  const db = `rekey_bench_${name}_${context.runId}`;
  context.databases.push(db);
  return db;
}

/** A Kafka topic of this run (created by its first producer with the broker's default partitions), registered for clean-up. */
export function topic(context: BenchContext, name: string): string {
  const made = `rekey.bench.${context.runId}.${name}`;
  context.topics.push(made);
  return made;
}

/** Waits until the relay published every event recorded in the collection (so copies carry no outbox). */
export async function outboxDrained(context: BenchContext, db: string, collection: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await context.mongo.db(db).collection(collection).countDocuments({ _outboxPending: true })) > 0) {
    if (Date.now() > deadline) throw new Error(`outbox of ${db}.${collection} not drained`);
    await sleep(100);
  }
}

/** Copies a collection (same documents, same shape) into a database of the ceilings, so that both run on the same data. */
export async function copyCollection(context: BenchContext, from: string, to: string, collection: string): Promise<void> {
  const docs = await context.mongo.db(from).collection(collection).find({}).toArray();
  await context.mongo.db(to).collection(collection).insertMany(docs);
}

/** The same number of items split across workers, so that each owns its own: no two workers write one document. */
export function ownedBy<T>(items: T[], worker: number, i: number, workers = SETTINGS.connections): T {
  const own = Math.max(1, Math.floor(items.length / workers));
  return items[(worker + workers * (i % own)) % items.length];
}
