import { EVENT_TYPES } from '@rekey/contracts';
import { toKafkaMessage } from '@rekey/events';
import { Kafka, logLevel, Message } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { chimeHeaders, chimeSignature } from '../lib/chime-signing';
import { machineLoadNote, Measurement, summarize, withMachineLoad } from '../lib/measure';
import { startApp, startTool } from '../lib/processes';
import { Row } from '../lib/report';
import { RequestSigner } from '../lib/signed-requests';
import { BenchContext, database, TENANT } from './context';

/** 64 bots, each delivered to in order: the baseline runs 64 callers, one per bot. */
const BOTS = 64;
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 3_200);
const ROTATIONS = Number(process.env.BENCH_DELIVERY_ROTATIONS ?? 40);
/** Bots receiving a steady stream while their tokens rotate, and the stream's rate per bot. */
const ROTATING_BOTS = 4;
const STREAM_PER_BOT_PER_SECOND = 25;
/** docs/bots.md: no attempt signs with the old token more than 1 s after the answer (any replica), and an attempt ends within 2 s. */
const OLD_TOKEN_BOUND_MS = 3_000;

interface Receipt {
  bot: number;
  at: number;
  timestamp: string;
  signature: string;
  body: string;
}

/** A bot endpoint for all bots (`/bot/<n>`): answers the endpoint check, 200 to events, and records every event. */
async function startReceiver() {
  const receipts: Receipt[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (body.includes('"HTTPSEndpointVerification"')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Challenge: (JSON.parse(body) as { Challenge: string }).Challenge }));
        return;
      }
      receipts.push({ bot: Number(req.url!.split('/')[2]), at: performance.now(), timestamp: String(req.headers['chime-request-timestamp']), signature: String(req.headers['chime-signature']), body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    receipts,
    async waitFor(count: number, timeoutMs = 120_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (receipts.length < count && Date.now() < deadline) await sleep(20);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const event = (n: number) =>
  JSON.stringify({ Sender: { SenderId: 'user@example.com', SenderIdType: 'EmailId' }, Discussion: { DiscussionId: 'bench-room', DiscussionType: 'Room' }, EventType: 'Mention', EventTimestamp: new Date().toISOString(), Message: `bench ${n}` });

/**
 * Signed Chime event deliveries: requested on the deliveries topic and POSTed by the bots app
 * (delivered straight from Kafka, the bot's token from its in-process projection, outcome events
 * published before the offsets are committed) vs bare undici POSTs computing the same HMAC, to the same local receiver with the same
 * concurrency; then, with a second replica, RegenerateSecurityToken answered → first delivery
 * signed with the new token.
 */
export async function deliveriesRows(context: BenchContext): Promise<Row[]> {
  const receiver = await startReceiver();
  // A topic (and so a consumer group) of the run's own: no other bots app running on this Kafka takes its partitions.
  const topic = `rekey.bench.deliveries.${context.runId}`;
  const db = database(context, 'deliveries');
  const app = await startApp('bots', context.infra, db, { env: { REKEY_BOTS_DELIVERIES_TOPIC: topic } });
  let second: Awaited<ReturnType<typeof startApp>> | undefined;
  let minimalDelivery: Awaited<ReturnType<typeof startMinimalDelivery>> | undefined;
  const kafka = new Kafka({ clientId: 'rekey-bench-deliveries', brokers: context.infra.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  try {
    await producer.connect();
    const signer = new RequestSigner(app.url, 'chime');
    const { Account } = await signer.expect<{ Account: { AccountId: string } }>({ method: 'POST', path: '/accounts', body: JSON.stringify({ Name: 'bench-deliveries' }) });
    const accountId = Account.AccountId;
    const bots: Array<{ id: string; token: string }> = [];
    for (let n = 0; n < BOTS; n += 1) {
      const { Bot } = await signer.expect<{ Bot: { BotId: string; SecurityToken: string } }>({ method: 'POST', path: `/accounts/${accountId}/bots`, body: JSON.stringify({ DisplayName: `bench${n}` }) });
      await signer.expect({ method: 'PUT', path: `/accounts/${accountId}/bots/${Bot.BotId}/events-configuration`, body: JSON.stringify({ OutboundEventsHTTPSEndpoint: `${receiver.url}/bot/${n}` }) });
      bots.push({ id: Bot.BotId, token: Bot.SecurityToken });
    }
    const requestOf = (n: number): Message =>
      toKafkaMessage({ id: randomUUID(), type: EVENT_TYPES.bots.DeliveryRequested, source: '/rekey/bench', subject: `/accounts/${accountId}/bots/${bots[n % BOTS].id}`, tenant: TENANT, key: bots[n % BOTS].id, time: new Date().toISOString(), data: { tenant: TENANT, chimeAccountId: accountId, botId: bots[n % BOTS].id, event: JSON.parse(event(n)) } });
    const produceTo = (to: string) => async (from: number, count: number) => {
      for (let start = from; start < from + count; start += 500) {
        await producer.send({ topic: to, messages: Array.from({ length: Math.min(500, from + count - start) }, (_, i) => requestOf(start + i)) });
      }
    };
    const produce = produceTo(topic);
    /** Requested → last one received, for `count` requests from `from` on (the consumer warmed up before). */
    const batch = async (send: (from: number, count: number) => Promise<void>, from: number, count: number): Promise<BatchRun> => {
      const before = receiver.receipts.length;
      const started = performance.now();
      const { busyCores } = await withMachineLoad(async () => {
        await send(from, count);
        await receiver.waitFor(before + count);
      });
      return { ...throughput(receiver.receipts.length - before, count, (performance.now() - started) / 1000), busyCores };
    };

    // The ceilings run before and after the app's batch, half each, as the load on a shared machine drifts.
    const bareBefore = await bareDeliveries(receiver.url, bots, DELIVERIES / 2);
    minimalDelivery = await startMinimalDelivery(context, kafka, bots.map((bot, n) => ({ ...bot, url: `${receiver.url}/bot/${n}` })));
    const produceMinimal = produceTo(minimalDelivery.topic);
    // Warm-ups (the consumer group joined, JIT, connection pools), then the measured batches.
    await batch(produceMinimal, 0, BOTS);
    const minimalBefore = await batch(produceMinimal, BOTS, DELIVERIES / 2);
    await batch(produce, 0, BOTS);
    const appRun = await batch(produce, BOTS, DELIVERIES);
    const minimalAfter = await batch(produceMinimal, BOTS + DELIVERIES / 2, DELIVERIES / 2);
    await minimalDelivery.stop();
    const bareAfter = await bareDeliveries(receiver.url, bots, DELIVERIES / 2);
    const bare = bothHalves(bareBefore, bareAfter);
    const minimal = bothHalves(minimalBefore, minimalAfter);
    // The rotations on two replicas (same database, same consumer group): either may drain a rotating bot's queue.
    second = await startApp('bots', context.infra, db, { name: 'bots-2', env: { REKEY_BOTS_DELIVERIES_TOPIC: topic } });
    // Through the consumer group's rebalance before the clock starts.
    const rebalancedFrom = receiver.receipts.length;
    await produce(BOTS + DELIVERIES, BOTS);
    await receiver.waitFor(rebalancedFrom + BOTS);
    const rotation = await rotationToNewToken(receiver, [signer, new RequestSigner(second.url, 'chime')], accountId, bots, produce);
    return [
      { section: 'Throughput', name: 'signed bot event deliveries (bots app: topic → signed POST → outcome event)', measurement: appRun, note: machineLoadNote(appRun.busyCores), ratio: { value: appRun.rps / bare.rps, meaning: 'deliveries/s ÷ bare deliveries/s', target: '≥ 0.7' } },
      { section: 'Throughput', name: `ceiling: bare undici POSTs with the same HMAC, ${BOTS} callers (half before, half after the app's batch)`, measurement: bare },
      {
        section: 'Throughput',
        name: "ceiling: minimal correct delivery from Kafka (bare kafkajs: topic → signed POST → outcome event acks=all → offsets; half before, half after the app's batch)",
        measurement: minimal,
        note: machineLoadNote(minimal.busyCores),
        ratio: { value: appRun.rps / minimal.rps, meaning: `app deliveries/s ÷ these; these ÷ bare POSTs: ${(minimal.rps / bare.rps).toFixed(2)}` },
      },
      { section: 'Event latency', name: `RegenerateSecurityToken answered → first delivery signed with the new token, 2 replicas (${ROTATING_BOTS} bots × ${STREAM_PER_BOT_PER_SECOND} deliveries/s)`, measurement: rotation },
    ];
  } finally {
    await producer.disconnect();
    await minimalDelivery?.stop();
    await second?.stop();
    await app.stop();
    await receiver.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

/**
 * bare-delivery-worker.ts in its own process (as the app runs in its), consuming a requests topic
 * of its own (6 partitions, as the app's) and publishing its outcome events to another.
 */
async function startMinimalDelivery(context: BenchContext, kafka: Kafka, bots: Array<{ id: string; token: string; url: string }>) {
  const topic = `rekey.bench.minimal-deliveries.${context.runId}`;
  const outcomes = `${topic}.outcomes`;
  context.topics.push(topic, outcomes);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }, { topic: outcomes, numPartitions: 6 }], waitForLeaders: true });
  await admin.disconnect();
  const env = { KAFKA_BROKERS: context.infra.kafkaBrokers, BARE_TOPIC: topic, BARE_OUTCOMES_TOPIC: outcomes, BARE_BOTS: JSON.stringify(bots) };
  const { server } = await startTool('bare-delivery', 'tools/bench/bare-delivery-worker.ts', [], env, /^ready$/m);
  return { topic, stop: () => server.stop() };
}

/** A batch's figure, with how many of the machine's cores were busy meanwhile when measured. */
type BatchRun = Measurement & { busyCores?: number };

/** A ceiling's two halves (before and after the app's batch) as one figure; busy cores weighted by each half's time. */
function bothHalves(before: BatchRun, after: BatchRun): BatchRun {
  const seconds = before.seconds + after.seconds;
  const busyCores = before.busyCores !== undefined && after.busyCores !== undefined ? (before.busyCores * before.seconds + after.busyCores * after.seconds) / seconds : undefined;
  return { ...throughput(before.requests + after.requests, DELIVERIES, seconds), busyCores };
}

/** Deliveries per second over a batch; latency percentiles do not apply (one figure for the batch). */
function throughput(received: number, expected: number, seconds: number): Measurement {
  return { requests: received, seconds, rps: received / seconds, p50: Number.NaN, p99: Number.NaN, p999: Number.NaN, errors: expected - Math.min(received, expected) };
}

/** The same POSTs with nothing around them: BOTS callers, each its bot's share in order, HMAC per POST. */
async function bareDeliveries(url: string, bots: Array<{ token: string }>, count: number): Promise<Measurement> {
  const agent = new Agent();
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    bots.map(async (bot, n) => {
      for (let i = n; i < count; i += bots.length) {
        const body = event(i);
        const response = await request(`${url}/bot/${n}`, { dispatcher: agent, method: 'POST', body, headers: chimeHeaders(bot.token, body) });
        await response.body.dump();
        if (response.statusCode !== 200) errors += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await agent.close();
  return { ...throughput(count - errors, count, seconds), errors };
}

/**
 * ROTATING_BOTS bots receive a steady stream while each is rotated in turn, each bot in turn on
 * either replica; per rotation, the time from the answer to the first receipt that verifies with
 * the new token (negative: it arrived before the answer reached the client). Errors: rotations
 * never followed by such a receipt, and receipts signed with an older token past docs/bots.md's
 * bound (OLD_TOKEN_BOUND_MS after the rotation answered).
 */
async function rotationToNewToken(
  receiver: Awaited<ReturnType<typeof startReceiver>>,
  replicas: RequestSigner[],
  accountId: string,
  bots: Array<{ id: string; token: string }>,
  produce: (from: number, count: number) => Promise<void>,
): Promise<Measurement> {
  const rotating = bots.slice(0, ROTATING_BOTS);
  let streaming = true;
  const stream = (async () => {
    for (let round = 0; streaming; round += 1) {
      // Request indexes that map onto the rotating bots (index % BOTS < ROTATING_BOTS).
      await Promise.all(rotating.map((_, b) => produce(b + BOTS * round, 1).catch(() => undefined)));
      await sleep(1000 / STREAM_PER_BOT_PER_SECOND);
    }
  })();
  const rotations: Array<{ bot: number; token: string; answeredAt: number }> = [];
  const started = performance.now();
  for (let r = 0; r < ROTATIONS; r += 1) {
    const bot = r % ROTATING_BOTS;
    const signer = replicas[Math.floor(r / ROTATING_BOTS) % replicas.length];
    await sleep(100);
    const { Bot } = await signer.expect<{ Bot: { SecurityToken: string } }>({ method: 'POST', path: `/accounts/${accountId}/bots/${rotating[bot].id}`, query: { operation: 'regenerate-security-token' } });
    rotations.push({ bot, token: Bot.SecurityToken, answeredAt: performance.now() });
  }
  await sleep(1_000);
  streaming = false;
  await stream;
  const latencies: number[] = [];
  let errors = 0;
  for (const rotation of rotations) {
    const first = receiver.receipts.find((receipt) => receipt.bot === rotation.bot && receipt.signature === chimeSignature(rotation.token, receipt.timestamp, receipt.body));
    if (first) latencies.push(first.at - rotation.answeredAt);
    else errors += 1;
    const later = rotations.filter((other) => other.bot === rotation.bot && other.answeredAt > rotation.answeredAt);
    const until = later[0]?.answeredAt ?? Number.POSITIVE_INFINITY;
    // Signed with this token past its bound after the next rotation answered.
    errors += receiver.receipts.filter((receipt) => receipt.bot === rotation.bot && receipt.at > until + OLD_TOKEN_BOUND_MS && receipt.signature === chimeSignature(rotation.token, receipt.timestamp, receipt.body)).length;
  }
  return { ...summarize(latencies, (performance.now() - started) / 1000, errors), rps: rotations.length / ((performance.now() - started) / 1000) };
}
