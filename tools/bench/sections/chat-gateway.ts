import { Keyring, chatTokenClaims, sealChatToken } from '@rekey/tokens';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { summarize } from '../lib/measure';
import { startApp, startBenchServer } from '../lib/processes';
import { Row } from '../lib/report';
import { RequestSigner } from '../lib/signed-requests';
import { BenchContext, database, TENANT } from './context';

const ROOM_CONNECTIONS = Number(process.env.BENCH_ROOM_CONNECTIONS ?? 1_000);
const IDLE_CONNECTIONS = Number(process.env.BENCH_IDLE_CONNECTIONS ?? 10_000);
const SAMPLES = Number(process.env.BENCH_GATEWAY_SAMPLES ?? 100);
const keyring = Keyring.dev();

/** A token as CreateChatToken issues it (dev keyring), sealed here so that thousands cost no API call. */
const token = (roomArn: string, userId: string) => sealChatToken(keyring, chatTokenClaims(TENANT, { roomIdentifier: roomArn, userId, capabilities: ['SEND_MESSAGE'] }));

function open(url: string, protocol?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = protocol ? new WebSocket(url, protocol) : new WebSocket(url);
    socket.once('open', () => resolve(socket)).once('error', reject).once('unexpected-response', (_req, res) => reject(new Error(`handshake ${res.statusCode}`)));
  });
}

async function openMany(count: number, connect: (i: number) => Promise<WebSocket>): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < count; i += 100) sockets.push(...(await Promise.all(Array.from({ length: Math.min(100, count - i) }, (_, j) => connect(i + j)))));
  return sockets;
}

/** Sends `frame(i)` from `sender` SAMPLES times, one at a time; latency = send → the last of `receivers` got it. */
async function sendToAll(sender: WebSocket, receivers: WebSocket[], frame: (i: number) => string, marker: (i: number) => string) {
  const latencies: number[] = [];
  let errors = 0;
  const started = Date.now();
  for (let i = 0; i < SAMPLES; i += 1) {
    const mark = marker(i);
    const sentAt = performance.now();
    const arrivals = receivers.map(
      (socket) =>
        new Promise<void>((resolve) => {
          const listener = (data: Buffer) => {
            if (!String(data).includes(mark)) return;
            socket.off('message', listener);
            resolve();
          };
          socket.on('message', listener);
        }),
    );
    sender.send(frame(i));
    const done = await Promise.race([Promise.all(arrivals).then(() => true), sleep(5_000).then(() => false)]);
    if (done) latencies.push(performance.now() - sentAt);
    else errors += 1;
    await sleep(20);
  }
  return summarize(latencies, (Date.now() - started) / 1000, errors);
}

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
  try {
    const signer = new RequestSigner(chat.url, 'ivschat');
    const room = await signer.expect<{ arn: string }>({ method: 'POST', path: '/CreateRoom', body: JSON.stringify({ name: 'bench', maximumMessageRatePerSecond: 100 }) });
    await sleep(2_000); // the replicas learn the room
    const ws = (server: { url: string }) => server.url.replace(/^http/, 'ws');

    // 1. One message to every connection of one room, against the bare broadcast.
    const members = await openMany(ROOM_CONNECTIONS, (i) => open(ws(a), token(room.arn, `member-${i}`)));
    sockets.push(...members);
    const fanOut = await sendToAll(members[0], members, sendMessage, (i) => `bench-${i}"`);
    const bareMembers = await openMany(ROOM_CONNECTIONS, () => open(ws(bare)));
    sockets.push(...bareMembers);
    const bareFanOut = await sendToAll(bareMembers[0], bareMembers, sendMessage, (i) => `bench-${i}"`);
    for (const socket of [...members, ...bareMembers]) socket.terminate();

    // 2. Between replicas: sent on a, received on b.
    const [sender, receiver] = [await open(ws(a), token(room.arn, 'sender')), await open(ws(b), token(room.arn, 'receiver'))];
    sockets.push(sender, receiver);
    const crossReplica = await sendToAll(sender, [receiver], (i) => sendMessage(1_000_000 + i), (i) => `bench-${1_000_000 + i}"`);

    // 3. Idle connections: resident memory per connection on b.
    const before = await rss(b.url);
    const idle = await openMany(IDLE_CONNECTIONS, (i) => open(ws(b), token(room.arn, `idle-${i}`)));
    sockets.push(...idle);
    await sleep(2_000);
    const perConnection = ((await rss(b.url)) - before) / IDLE_CONNECTIONS;
    for (const socket of idle) socket.terminate();

    // 4. DisconnectUser answered → the user's socket closed.
    const closings: number[] = [];
    let closeErrors = 0;
    const started = Date.now();
    for (let i = 0; i < Math.min(SAMPLES, 50); i += 1) {
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
      { section: 'Chat gateway', name: `one message to ${ROOM_CONNECTIONS} connections of a room: send → last receipt`, measurement: fanOut, ratio: { value: fanOut.p99 / bareFanOut.p99, meaning: 'p99 ÷ bare ws broadcast p99', target: 'p99 ≤ 50 ms' } },
      { section: 'Chat gateway', name: `ceiling: bare ws broadcast, ${ROOM_CONNECTIONS} connections`, measurement: bareFanOut },
      { section: 'Chat gateway', name: 'a message between two replicas: send → receipt', measurement: crossReplica, note: 'target p99 ≤ 25 ms (through rekey.chat.messages.v1)' },
      { section: 'Chat gateway', name: 'DisconnectUser answered → socket closed', measurement: disconnect, note: 'target p99 ≤ 250 ms' },
      { section: 'Chat gateway', name: `${IDLE_CONNECTIONS} idle connections: resident memory`, measurement: summarize([], 1, 0), note: `${(perConnection / 1024).toFixed(1)} KiB per connection` },
    ];
  } finally {
    for (const socket of sockets) socket.terminate();
    await Promise.all([a.stop(), b.stop(), chat.stop(), bare.stop()]);
  }
}
