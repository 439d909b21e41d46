import { Keyring, chatTokenClaims, sealChatToken } from '@rekey/tokens';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { Measurement, percentile, summarize } from '../lib/measure';
import { startApp, startBenchServer } from '../lib/processes';
import { Row } from '../lib/report';
import { RequestSigner } from '../lib/signed-requests';
import { BenchContext, database, TENANT } from './context';

const ROOM_CONNECTIONS = Number(process.env.BENCH_ROOM_CONNECTIONS ?? 1_000);
const IDLE_CONNECTIONS = Number(process.env.BENCH_IDLE_CONNECTIONS ?? 10_000);
const SAMPLES = Number(process.env.BENCH_GATEWAY_SAMPLES ?? 300);
/** Unmeasured messages first (JIT, buffers), on the gateway and the baseline alike. */
const WARMUP = 10;
const keyring = Keyring.dev();

/** A token as CreateChatToken issues it (dev keyring), sealed here so that thousands cost no API call. */
const token = (roomArn: string, userId: string) => sealChatToken(keyring, chatTokenClaims(TENANT, { roomIdentifier: roomArn, userId, capabilities: ['SEND_MESSAGE'] }));

function open(url: string, protocol?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = protocol ? new WebSocket(url, protocol) : new WebSocket(url);
    socket.once('open', () => resolve(socket)).once('error', reject).once('unexpected-response', (_req, res) => reject(new Error(`handshake ${res.statusCode}`)));
  });
}

/**
 * Opens `count` connections, 100 at a time. A refused handshake (a 503 while the shared MongoDB is
 * slow) is retried twice, as the official client retries with fresh tokens; one that still fails
 * is counted, not thrown.
 */
async function openMany(count: number, connect: (i: number) => Promise<WebSocket>): Promise<{ sockets: WebSocket[]; failed: number }> {
  const sockets: WebSocket[] = [];
  let failed = 0;
  const retrying = (i: number) => connect(i).catch(() => connect(i)).catch(() => connect(i));
  for (let i = 0; i < count; i += 100) {
    const batch = await Promise.allSettled(Array.from({ length: Math.min(100, count - i) }, (_, j) => retrying(i + j)));
    for (const result of batch) {
      if (result.status === 'fulfilled') sockets.push(result.value);
      else failed += 1;
    }
  }
  return { sockets, failed };
}

/**
 * Send → last receipt of one marked frame on every receiver. The load generator's receive cost
 * counts against the gateway and the bare baseline alike, so it is kept to one `message` listener
 * per socket, installed once, that counts the frames carrying the marker in flight and takes the
 * time on the last one (no promise, closure or string per receipt).
 */
class Arrivals {
  private marker = Buffer.alloc(0);
  private pending = 0;
  private sentAt = 0;
  private cpuAtSend = process.cpuUsage();
  private arrived: (timing: Timing) => void = () => undefined;
  private readonly receivers: number;

  constructor(receivers: WebSocket[]) {
    this.receivers = receivers.length;
    const received = (data: Buffer) => {
      if (this.pending === 0 || !data.includes(this.marker)) return;
      this.pending -= 1;
      if (this.pending > 0) return;
      const cpu = process.cpuUsage(this.cpuAtSend);
      this.arrived({ latencyMs: performance.now() - this.sentAt, clientCpuMs: (cpu.user + cpu.system) / 1000 });
    };
    for (const socket of receivers) socket.on('message', received);
  }

  /** Sends `frame` and resolves with send → last receipt, or undefined after 5 s. */
  async time(sender: WebSocket, frame: string, marker: string): Promise<Timing | undefined> {
    this.marker = Buffer.from(marker);
    this.pending = this.receivers;
    const latency = new Promise<Timing>((resolve) => (this.arrived = resolve));
    this.cpuAtSend = process.cpuUsage();
    this.sentAt = performance.now();
    sender.send(frame);
    const result = await Promise.race([latency, sleep(5_000).then(() => undefined)]);
    this.pending = 0;
    return result;
  }
}

/** Send → last receipt, and the CPU the load generator (this process) spent meanwhile, mostly receiving. */
interface Timing {
  latencyMs: number;
  clientCpuMs: number;
}

/** A sender and the connections that must all receive what it sends (itself included). */
interface Broadcast {
  sender: WebSocket;
  receivers: WebSocket[];
}

/**
 * WARMUP unmeasured, then SAMPLES measured messages per broadcast, one at a time, the broadcasts
 * taking turns, so that the gateway and its baseline see the same load of a shared machine.
 */
async function sendToAll(broadcasts: Broadcast[], frame: (i: number) => string, marker: (i: number) => string): Promise<{ measurement: Measurement; clientCpuMs: number }[]> {
  const arrivals = broadcasts.map(({ receivers }) => new Arrivals(receivers));
  const timings = broadcasts.map((): Timing[] => []);
  const errors = broadcasts.map(() => 0);
  const started = Date.now();
  for (let i = -WARMUP; i < SAMPLES; i += 1) {
    for (const [k, { sender }] of broadcasts.entries()) {
      const timing = await arrivals[k].time(sender, frame(i), marker(i));
      await sleep(10);
      if (i < 0) continue;
      if (timing === undefined) errors[k] += 1;
      else timings[k].push(timing);
    }
  }
  const seconds = (Date.now() - started) / 1000;
  return broadcasts.map((_, k) => ({
    measurement: summarize(timings[k].map((timing) => timing.latencyMs), seconds, errors[k]),
    clientCpuMs: percentile(timings[k].map((timing) => timing.clientCpuMs).sort((x, y) => x - y), 50),
  }));
}

/** How much of a row's latency the load generator's own receiving may account for. */
const clientCpuNote = (clientCpuMs: number) => `load generator CPU from send to last receipt: p50 ${clientCpuMs.toFixed(1)} ms`;

const sendMessage = (i: number) => JSON.stringify({ Action: 'SEND_MESSAGE', RequestId: `r${i}`, Content: `bench-${i}` });

/** rss of a process from its /metrics (prom-client's process_resident_memory_bytes). */
async function rss(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^process_resident_memory_bytes(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

/** The chat gateway: fan-out to a room against a bare ws broadcast, across replicas, idle memory, DisconnectUser. */
export async function chatGatewayRows(context: BenchContext): Promise<Row[]> {
  const chat = await startApp('chat', context.infra, database(context, 'chat'));
  const gatewayDb = database(context, 'chat_gateway');
  const [a, b] = [await startApp('chat-gateway', context.infra, gatewayDb), await startApp('chat-gateway', context.infra, gatewayDb)];
  const bare = await startBenchServer('bare-ws-broadcast', 'bare-ws-broadcast-server.ts');
  const sockets: WebSocket[] = [];
  const opened = (group: { sockets: WebSocket[]; failed: number }) => (sockets.push(...group.sockets), group.sockets);
  const closeAll = (group: WebSocket[]) => group.forEach((socket) => socket.terminate());
  try {
    const signer = new RequestSigner(chat.url, 'ivschat');
    const room = await signer.expect<{ arn: string }>({ method: 'POST', path: '/CreateRoom', body: JSON.stringify({ name: 'bench', maximumMessageRatePerSecond: 100 }) });
    await sleep(2_000); // the replicas learn the room
    const ws = (server: { url: string }) => server.url.replace(/^http/, 'ws');

    // 1. One message to every connection of one room, in turns with the bare broadcast to as many
    //    (the load generator's receiving is part of both).
    const members = await openMany(ROOM_CONNECTIONS, (i) => open(ws(a), token(room.arn, `member-${i}`)));
    const bareMembers = await openMany(ROOM_CONNECTIONS, () => open(ws(bare)));
    const rooms = [members, bareMembers].map(opened).map((receivers) => ({ sender: receivers[0], receivers }));
    const [fanOut, bareFanOut] = await sendToAll(rooms, sendMessage, (i) => `bench-${i}"`);
    fanOut.measurement.errors += members.failed;
    bareFanOut.measurement.errors += bareMembers.failed;
    closeAll([...members.sockets, ...bareMembers.sockets]);

    // 2. Between replicas: sent on a, received on b.
    const [sender, receiver] = [await open(ws(a), token(room.arn, 'sender')), await open(ws(b), token(room.arn, 'receiver'))];
    sockets.push(sender, receiver);
    const [crossReplica] = await sendToAll([{ sender, receivers: [receiver] }], (i) => sendMessage(1_000_000 + i), (i) => `bench-${1_000_000 + i}"`);

    // 3. Idle connections: resident memory per connection on b.
    const before = await rss(b.url);
    const idle = await openMany(IDLE_CONNECTIONS, (i) => open(ws(b), token(room.arn, `idle-${i}`)));
    opened(idle);
    await sleep(2_000);
    const perConnection = ((await rss(b.url)) - before) / idle.sockets.length;
    closeAll(idle.sockets);

    // 4. DisconnectUser answered → the user's socket closed.
    const closings: number[] = [];
    let closeErrors = 0;
    const started = Date.now();
    for (let i = 0; i < Math.min(SAMPLES, 100); i += 1) {
      const user = await open(ws(b), token(room.arn, `leaver-${i}`));
      const closed = new Promise<number>((resolve) => user.once('close', () => resolve(performance.now())));
      await signer.expect({ method: 'POST', path: '/DisconnectUser', body: JSON.stringify({ roomIdentifier: room.arn, userId: `leaver-${i}` }) });
      const answeredAt = performance.now();
      const at = await Promise.race([closed, sleep(5_000).then(() => undefined)]);
      if (at === undefined) closeErrors += 1;
      else closings.push(at - answeredAt);
    }
    const disconnect = summarize(closings, (Date.now() - started) / 1000, closeErrors);

    return [
      {
        section: 'Chat gateway',
        name: `one message to ${ROOM_CONNECTIONS} connections of a room: send → last receipt`,
        measurement: fanOut.measurement,
        ratio: { value: fanOut.measurement.p99 / bareFanOut.measurement.p99, meaning: 'p99 ÷ bare ws broadcast p99', target: 'p99 ≤ 50 ms' },
        note: clientCpuNote(fanOut.clientCpuMs),
      },
      { section: 'Chat gateway', name: `ceiling: bare ws broadcast, ${ROOM_CONNECTIONS} connections`, measurement: bareFanOut.measurement, note: clientCpuNote(bareFanOut.clientCpuMs) },
      { section: 'Chat gateway', name: 'a message between two replicas: send → receipt', measurement: crossReplica.measurement, note: 'target p99 ≤ 25 ms (through rekey.chat.messages.v1)' },
      { section: 'Chat gateway', name: 'DisconnectUser answered → socket closed', measurement: disconnect, note: 'target p99 ≤ 250 ms' },
      {
        section: 'Chat gateway',
        name: `${IDLE_CONNECTIONS} idle connections: resident memory`,
        measurement: summarize([], 1, idle.failed),
        note: `${(perConnection / 1024).toFixed(1)} KiB per connection (${idle.sockets.length} open)`,
      },
    ];
  } finally {
    closeAll(sockets);
    await Promise.all([a.stop(), b.stop(), chat.stop(), bare.stop()]);
  }
}
