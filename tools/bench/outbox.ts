// Outbox benchmark (issue #3): write -> Kafka delivery latency at a steady 500 events/s and the
// relay's maximum sustained rate, with bare kafkajs produce -> consume at the same rate as the
// baseline measured in the same run.   npm run bench:outbox
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getConnectionToken } from '@nestjs/mongoose';
import { EVENT_TYPES } from '@rekey/contracts';
import { EventsModule, newEvent, OutboxRelay, recordEvents, toKafkaMessage, withOutbox } from '@rekey/events';
import { loadConfig, PlatformModule } from '@rekey/platform';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { Connection, Schema } from 'mongoose';

const STEADY_RATE = 500;
const STEADY_SECONDS = 10;
const BURST_EVENTS = 10_000;
const DOCUMENTS = 200;

const root = join(__dirname, '..', '..');
const infra = JSON.parse(execFileSync(process.execPath, [join(root, 'tools', 'infra', 'cli.mjs'), 'up', '--json'], { encoding: 'utf8' })) as { mongoUrl: string; kafkaBrokers: string };
const kafka = new Kafka({ clientId: 'bench-outbox', brokers: [infra.kafkaBrokers], logLevel: logLevel.NOTHING });
const suffix = randomBytes(4).toString('hex');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Receive times by event id, from a consumer that joined before anything is produced. */
async function receiver(topic: string) {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  await admin.disconnect();
  const received = new Map<string, number>();
  const consumer = kafka.consumer({ groupId: `bench-${topic}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachBatch: async ({ batch }) => {
    const now = performance.now();
    for (const message of batch.messages) received.set(String(message.headers?.ce_id), now);
  } });
  return {
    received,
    async waitFor(count: number, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.size < count && Date.now() < deadline) await sleep(20);
      return received.size;
    },
    stop: () => consumer.disconnect(),
  };
}

/** Calls `send(i)` STEADY_RATE times a second for STEADY_SECONDS, recording when each call returned. */
async function steady(send: (i: number) => Promise<string>): Promise<Map<string, number>> {
  const acked = new Map<string, number>();
  const total = STEADY_RATE * STEADY_SECONDS;
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const due = start + (i * 1000) / STEADY_RATE;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    inFlight.push(send(i).then((id) => void acked.set(id, performance.now())));
  }
  await Promise.all(inFlight);
  return acked;
}

function latencies(acked: Map<string, number>, received: Map<string, number>) {
  const values = [...acked].map(([id, at]) => (received.get(id) ?? Number.NaN) - at).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return { delivered: values.length, p50: percentile(values, 50), p99: percentile(values, 99) };
}

async function main() {
  const topic = `bench.outbox.${suffix}`;
  const config = loadConfig('bots', { MONGO_URI: `${infra.mongoUrl}/rekey_bench_outbox_${suffix}`, KAFKA_BROKERS: infra.kafkaBrokers, LOG_LEVEL: 'warn' });
  @Module({ imports: [PlatformModule.forRoot(config), EventsModule.forRoot({ app: 'bots', topic })] })
  class OutboxBenchModule {}
  const app = await NestFactory.createApplicationContext(OutboxBenchModule, { logger: false });
  await app.init();
  const connection = app.get<Connection>(getConnectionToken());
  const documents = connection.model('BenchDocument', withOutbox(new Schema({ _id: String, value: Number })));
  const relay = app.get(OutboxRelay);
  relay.watch(documents);
  await documents.insertMany(Array.from({ length: DOCUMENTS }, (_, i) => ({ _id: `d${i}`, value: 0 })));

  const write = async (i: number) => {
    const key = `d${i % DOCUMENTS}`;
    const event = newEvent('bots', { type: EVENT_TYPES.bots.BotUpdated, subject: `/bench/${key}`, tenant: '111111111111', key, data: { value: i } });
    await documents.updateOne({ _id: key }, recordEvents({ $set: { value: i } }, event));
    relay.wake();
    return event.id;
  };

  // Baseline: bare kafkajs, same rate, same envelope.
  const bareTopic = `bench.bare.${suffix}`;
  const bareReceiver = await receiver(bareTopic);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const bareAcked = await steady(async (i) => {
    const event = newEvent('bots', { type: EVENT_TYPES.bots.BotUpdated, subject: '/bench', tenant: '111111111111', key: `d${i % DOCUMENTS}`, data: { value: i } });
    await producer.send({ topic: bareTopic, acks: -1, messages: [toKafkaMessage(event)] });
    return event.id;
  });
  await bareReceiver.waitFor(bareAcked.size);
  const bare = latencies(bareAcked, bareReceiver.received);

  const outboxReceiver = await receiver(topic);
  const outboxAcked = await steady(write);
  await outboxReceiver.waitFor(outboxAcked.size);
  const outbox = latencies(outboxAcked, outboxReceiver.received);

  const burstStart = performance.now();
  const before = outboxReceiver.received.size;
  let next = 0;
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (next < BURST_EVENTS) await write(STEADY_RATE * STEADY_SECONDS + next++);
  }));
  const delivered = (await outboxReceiver.waitFor(before + BURST_EVENTS)) - before;
  const burstSeconds = (performance.now() - burstStart) / 1000;

  const rows = [
    `| bare kafkajs produce→consume at ${STEADY_RATE}/s (baseline) | ${bare.delivered}/${bareAcked.size} | ${bare.p50.toFixed(1)} | ${bare.p99.toFixed(1)} | 1.00 |`,
    `| outbox write acked→consumed at ${STEADY_RATE}/s | ${outbox.delivered}/${outboxAcked.size} | ${outbox.p50.toFixed(1)} | ${outbox.p99.toFixed(1)} | ${(outbox.p99 / bare.p99).toFixed(2)} (p99 ratio) |`,
  ];
  const report = [
    `# Outbox benchmark`,
    ``,
    `${new Date().toISOString()}, ${cpus().length} cores, Node ${process.version}, Kafka ${infra.kafkaBrokers}, MongoDB-wire server ${process.env.REKEY_MONGO_SERVER ?? 'mongo-java-server'}.`,
    ``,
    `| path | delivered | p50 ms | p99 ms | vs baseline |`,
    `|---|---|---|---|---|`,
    ...rows,
    ``,
    `Maximum sustained relay rate: ${BURST_EVENTS} events written by 32 concurrent writers over ${DOCUMENTS} documents, ${delivered} delivered in ${burstSeconds.toFixed(1)} s = **${Math.round(delivered / burstSeconds)} events/s** (write to last delivery).`,
    ``,
  ].join('\n');
  const results = join(__dirname, 'results');
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, 'outbox.md'), report);
  writeFileSync(join(results, 'outbox.json'), JSON.stringify({ bare, outbox, burst: { events: BURST_EVENTS, delivered, seconds: burstSeconds } }, null, 2));
  process.stdout.write(report);

  await Promise.all([bareReceiver.stop(), outboxReceiver.stop(), producer.disconnect()]);
  await connection.dropDatabase();
  await app.close();
  process.exit(outbox.delivered === outboxAcked.size && delivered === BURST_EVENTS && bare.delivered === bareAcked.size ? 0 : 1);
}

void main();
