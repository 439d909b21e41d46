// Rekey benchmarks (issue #9): each hot path of the three apps, run from their production builds
// and driven with pre-signed SigV4 requests, against the best this machine does for the same work
// in the same run (a bare handler, the raw MongoDB driver, bare kafkajs). `npm run bench`.
// Writes tools/bench/results/latest.md and latest.json. Settings: see README.md beside this file.
import 'reflect-metadata';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { randomBytes } from 'node:crypto';
import { SETTINGS } from './lib/measure';
import { buildApps, infraUp } from './lib/processes';
import { machineFacts, Row, writeReport } from './lib/report';
import { botsRows } from './sections/bots';
import { chatRows } from './sections/chat';
import { chatGatewayRows } from './sections/chat-gateway';
import { BenchContext } from './sections/context';
import { EVENT_RATES, kafkaRows } from './sections/events';
import { GROWTH_SIZES, growthRows } from './sections/growth';
import { tunnelsRows } from './sections/tunnels';
import { deliveriesRows } from './sections/deliveries';
import { relayRows } from './sections/relay';

/** Deletes the topics the run made; a topic never made (its section failed first) is no error. */
async function deleteTopics(brokers: string, topics: string[]): Promise<void> {
  if (topics.length === 0) return;
  const admin = new Kafka({ clientId: 'rekey-bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  await admin.deleteTopics({ topics: topics.filter((name) => existing.has(name)) }).catch(() => undefined);
  await admin.disconnect();
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

async function main(): Promise<void> {
  const started = Date.now();
  const only = process.env.BENCH_ONLY?.split(',');
  const wanted = (section: string) => !only || only.includes(section);
  log('infrastructure (tools/infra up)');
  const infra = infraUp();
  log('production builds (nx run-many -t build)');
  buildApps(['bots', 'tunnels', 'chat', 'tunnel-relay', 'chat-gateway']);
  const mongo = await MongoClient.connect(infra.mongoUrl);
  const context: BenchContext = { infra, mongo, runId: randomBytes(4).toString('hex'), databases: [], topics: [] };
  const rows: Row[] = [];
  const notes: Record<string, string> = {};
  try {
    if (wanted('events')) {
      log(`bare Kafka produce → consume at ${EVENT_RATES.join(', ')}/s`);
      rows.push(...(await kafkaRows(context)));
    }
    if (wanted('chat')) {
      log('chat: CreateChatToken vs its bare handler (SigV4, validation, room, sealing, event acked by Kafka)');
      rows.push(...(await chatRows(context)));
    }
    if (wanted('chat-gateway')) {
      log('chat-gateway: fan-out vs bare ws broadcast, between replicas, idle memory, DisconnectUser');
      rows.push(...(await chatGatewayRows(context)));
    }
    if (wanted('bots')) {
      log('bots: RegenerateSecurityToken, GetBot vs bare ceilings and raw driver, /health/live vs bare NestJS; rotation → event on 1 and 2 replicas');
      rows.push(...(await botsRows(context)));
    }
    if (wanted('tunnels')) {
      log('tunnels: RotateTunnelAccessToken, DescribeTunnel vs bare ceilings and raw driver, /health/live vs bare NestJS; rotation → event on 1 and 2 replicas');
      rows.push(...(await tunnelsRows(context)));
    }
    if (wanted('deliveries')) {
      log('deliveries: signed bot event deliveries vs bare undici; rotation → first delivery with the new token');
      rows.push(...(await deliveriesRows(context)));
    }
    if (wanted('relay')) {
      log('tunnel relay: one stream and echo latency vs a bare TCP pipe, rotation → cut, concurrent tunnels');
      rows.push(...(await relayRows(context)));
    }
    if (wanted('growth')) {
      log(`growth: ${GROWTH_SIZES.join(', ')} bots stored`);
      const growth = await growthRows(context);
      rows.push(...growth.rows);
      notes.Growth = growth.seeding;
    }
  } finally {
    for (const db of context.databases) await mongo.db(db).dropDatabase().catch(() => undefined);
    await deleteTopics(infra.kafkaBrokers, context.topics);
    await mongo.close();
  }
  notes.Throughput = `autocannon, ${SETTINGS.connections} connections, ${SETTINGS.seconds} s per row after a ${SETTINGS.warmupSeconds} s warm-up, cycling through pools of requests SigV4-signed before the run (dev tenant A). Ceilings: bare servers of tools/bench driven the same way (the same pre-signed calls, signed for their address), on copies of the app's documents (copied once its outbox was empty) on the same MongoDB-wire server. Floors: the raw driver's same operation, ${SETTINGS.connections} concurrent callers in a closed loop.`;
  notes['Event latency'] = `Steady open-loop rate for ${process.env.BENCH_EVENT_SECONDS ?? 5} s; latency from the HTTP answer (rotation acknowledged) to the TokenRotated event reaching a fresh kafkajs consumer group in this process, matched by token fingerprint. Negative: the event was consumed before the answer reached the client (the apps publish a rotation's event before answering). req/s is the rate achieved: below the offered rate, the app was saturated and the figures include queueing. Baseline: bare kafkajs, one message per send with acks=all, from the send's acknowledgement to consumption.`;
  const facts = machineFacts({
    'MongoDB-wire server': process.env.REKEY_MONGO_SERVER ?? 'mongo-java-server (tools/infra default)',
    Kafka: infra.kafkaBrokers,
    'run time': `${Math.round((Date.now() - started) / 1000)} s`,
  });
  const markdown = writeReport(facts, rows, notes);
  process.stdout.write(`${markdown}\n`);
  const errors = rows.reduce((sum, row) => sum + row.measurement.errors, 0);
  if (errors > 0) log(`${errors} errors: the run does not count`);
  process.exit(errors > 0 ? 1 : 0);
}

main().catch((error: Error) => {
  log(`failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
