import { SIGNING_NAMES } from '@rekey/aws-protocol';
import { hammer, Measurement } from '../lib/measure';
import { startBenchServer } from '../lib/processes';
import { Call, RequestSigner, SigningName } from '../lib/signed-requests';
import { BenchContext, copyCollection, database, topic } from './context';

/** What a section's bare ceilings serve: the app's collection (copied), and the calls of its read and its rotation. */
export interface BareCeilingsOf {
  api: keyof typeof SIGNING_NAMES;
  /** The app's database, whose collection is copied once its outbox is empty. */
  from: string;
  collection: string;
  /** Other collections of the app's database that the read consults too (copied alike): the bots' accounts. */
  alsoRead?: string[];
  reads: Call[];
  rotations: Call[];
}

/**
 * The bare Fastify ceilings of a read and a rotation (bare-read-server.ts, bare-rotation-server.ts),
 * each in its own process on a copy of the app's documents, driven as the app was (same calls,
 * signed for the ceiling's address).
 */
export async function bareCeilings(context: BenchContext, of: BareCeilingsOf): Promise<{ read: Measurement; rotation: Measurement }> {
  const db = database(context, `${of.collection}_bare`);
  for (const collection of [of.collection, ...(of.alsoRead ?? [])]) await copyCollection(context, of.from, db, collection);
  const env = { MONGO_URI: `${context.infra.mongoUrl}/${db}`, KAFKA_BROKERS: context.infra.kafkaBrokers, BARE_API: of.api, BARE_TOPIC: topic(context, `${of.collection}-ceiling`) };
  const run = async (name: string, file: string, calls: Call[]) => {
    const server = await startBenchServer(`${name}-${of.collection}`, file, env);
    try {
      return await hammer(server.url, await new RequestSigner(server.url, SIGNING_NAMES[of.api] as SigningName).signAll(calls));
    } finally {
      await server.stop();
    }
  };
  const read = await run('bare-read', 'bare-read-server.ts', of.reads);
  const rotation = await run('bare-rotation', 'bare-rotation-server.ts', of.rotations);
  return { read, rotation };
}
