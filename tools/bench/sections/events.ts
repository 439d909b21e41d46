import { fingerprint } from '@rekey/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { machineLoadNote, steady, summarize, withMachineLoad } from '../lib/measure';
import { Row } from '../lib/report';
import { AppName, Server, startApp } from '../lib/processes';
import { Call, RequestSigner, sendSigned, SigningName } from '../lib/signed-requests';
import { BenchContext } from './context';

export const EVENT_RATES = (process.env.BENCH_EVENT_RATES ?? '200,1000').split(',').map(Number);
const EVENT_SECONDS = Number(process.env.BENCH_EVENT_SECONDS ?? 5);
const SECTION = 'Event latency';

/** Kafka's own produce → consume p99 per rate, measured first in the same run: the rows' baseline. */
export const kafkaBaseline = new Map<number, number>();

/** Receive times by key, from a consumer of its own group that has joined before anything is sent. */
async function subscriber(context: BenchContext, topic: string, keysOf: (headers: Record<string, string>, value: string) => string[]) {
  const kafka = new Kafka({ clientId: 'rekey-bench', brokers: context.infra.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `rekey-bench-${context.runId}-${topic}-${Date.now()}`, maxWaitTimeInMs: 20 });
  const received = new Map<string, number>();
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = performance.now();
      for (const message of batch.messages) {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        for (const key of keysOf(headers, String(message.value))) received.set(key, now);
      }
    },
  });
  while (!joined) await sleep(50);
  // The group's offsets are resolved to the log end just after joining.
  await sleep(1_000);
  return {
    received,
    async waitFor(keys: string[], timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (keys.some((key) => !received.has(key)) && Date.now() < deadline) await sleep(20);
    },
    stop: () => consumer.disconnect(),
  };
}

type Subscriber = Awaited<ReturnType<typeof subscriber>>;

/** Latencies from acknowledgement to receipt, in ms; errors count calls not acknowledged and events never received. */
function latencyOf(acked: Map<string, number>, received: Map<string, number>, failed: number, seconds: number) {
  const latencies = [...acked].filter(([key]) => received.has(key)).map(([key, at]) => received.get(key)! - at);
  const measurement = summarize(latencies, seconds, failed + acked.size - latencies.length);
  return { ...measurement, rps: acked.size / seconds };
}

/**
 * `call` at a steady rate for EVENT_SECONDS; each resolves to the key its message carries and the
 * time it was acknowledged, or undefined if it failed. Latency: acknowledgement → receipt.
 */
async function ackToReceipt(consumer: Subscriber, rate: number, call: (i: number) => Promise<{ key: string; at: number } | undefined>) {
  const acked = new Map<string, number>();
  let failed = 0;
  const run = await steady(rate, EVENT_SECONDS, async (i) => {
    const ack = await call(i);
    if (ack) acked.set(ack.key, ack.at);
    else failed += 1;
  });
  await consumer.waitFor([...acked.keys()]);
  return latencyOf(acked, consumer.received, failed, run.seconds);
}

/** Bare kafkajs: one message per send (acks=all), consumed by a fresh group, at each rate. */
export async function kafkaRows(context: BenchContext): Promise<Row[]> {
  const kafka = new Kafka({ clientId: 'rekey-bench', brokers: context.infra.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const topic = `rekey.bench.${context.runId}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  const consumer = await subscriber(context, topic, (headers) => [headers.id]);
  const rows: Row[] = [];
  try {
    for (const rate of EVENT_RATES) {
      const measurement = await ackToReceipt(consumer, rate, async (i) => {
        const id = `${rate}-${i}`;
        return producer.send({ topic, acks: -1, messages: [{ key: String(i % 64), value: JSON.stringify({ i }), headers: { id } }] }).then(
          () => ({ key: id, at: performance.now() }),
          () => undefined,
        );
      });
      kafkaBaseline.set(rate, measurement.p99);
      rows.push({ section: SECTION, name: `baseline: bare kafkajs produce acked → consumed at ${rate}/s`, measurement });
    }
  } finally {
    await Promise.all([consumer.stop(), producer.disconnect()]);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
  return rows;
}

interface RotationSource {
  label: string;
  topic: string;
  /** The app serving the rotations, and its database: a second replica is started on the same one. */
  app: Server;
  appName: AppName;
  database: string;
  signing: SigningName;
  /** The rotations to send, in turn; each replica gets them signed for its own address. */
  calls: Call[];
  /** The tokens of a rotation's answer: their fingerprints identify its TokenRotated event. */
  fingerprintOf(body: Record<string, Record<string, unknown> | undefined>): string[];
}

/**
 * Rotation acknowledged (the HTTP answer) → its TokenRotated event consumed by a fresh subscriber,
 * at each steady rate: on the app alone, then on it and a second replica (same database), the load
 * generator sending call i to replica i mod 2 (round-robin, no splitter process in between). The
 * calls are the same sequence on one replica and on two, as a splitter would pass them on: call i
 * rotates resource i mod pool size (each replica's copy of it signed for its address).
 */
export async function eventLatencyRows(context: BenchContext, source: RotationSource): Promise<Row[]> {
  const consumer = await subscriber(context, source.topic, (headers, value) => {
    if (!headers.ce_type?.endsWith('.TokenRotated')) return [];
    const data = JSON.parse(value) as { tokens?: Array<{ fingerprint: string }> };
    return (data.tokens ?? []).map((token) => token.fingerprint);
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const targetOf = async (server: Server) => ({ url: new URL(server.url), pool: await new RequestSigner(server.url, source.signing).signAll(source.calls) });
  const rows: Row[] = [];
  let second: Server | undefined;
  try {
    const targets = [await targetOf(source.app)];
    for (const replicas of [1, 2]) {
      if (replicas === 2) {
        second = await startApp(source.appName, context.infra, source.database, { name: `${source.appName}-2` });
        targets.push(await targetOf(second));
      }
      for (const rate of EVENT_RATES) {
        const { result: measurement, busyCores } = await withMachineLoad(() =>
          ackToReceipt(consumer, rate, async (i) => {
            const { url, pool } = targets[i % replicas];
            const answer = await sendSigned(agent, url, pool[i % pool.length]).catch(() => ({ status: 0, body: '' }));
            const at = performance.now();
            return answer.status === 200 ? { key: fingerprint(source.fingerprintOf(JSON.parse(answer.body))[0]), at } : undefined;
          }),
        );
        const baseline = kafkaBaseline.get(rate);
        rows.push({
          section: SECTION,
          name: `${source.label} acked → TokenRotated consumed at ${rate}/s, ${replicas === 1 ? '1 replica' : `${replicas} replicas round-robin`}`,
          measurement,
          note: machineLoadNote(busyCores),
          ratio: baseline ? { value: measurement.p99 / baseline, meaning: 'p99 ÷ bare Kafka p99', target: rate === 1000 && replicas === 2 ? '1000/s, p99 ≤ 50 ms' : undefined } : undefined,
        });
      }
    }
  } finally {
    agent.destroy();
    await Promise.all([consumer.stop(), second?.stop()]);
  }
  return rows;
}
