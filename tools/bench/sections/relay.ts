import { LocalProxy, LocalProxyOptions, ProxyEnd } from '@rekey/tunnel-protocol';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { AddressInfo, createConnection, createServer, Server, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { percentile, summarize } from '../lib/measure';
import { Server as Process, startApp, startTool } from '../lib/processes';
import { Row } from '../lib/report';
import { Call, RequestSigner } from '../lib/signed-requests';
import { BenchContext, database } from './context';

const STREAM_BYTES = Number(process.env.BENCH_RELAY_STREAM_MB ?? 64) * 2 ** 20;
const STREAM_RUNS = 5;
const ECHO_ROUNDS = Number(process.env.BENCH_RELAY_ECHO_ROUNDS ?? 2000);
const ROTATIONS = Number(process.env.BENCH_RELAY_ROTATIONS ?? 100);
const CONCURRENT_TUNNELS = Number(process.env.BENCH_RELAY_TUNNELS ?? 1000);
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

const operation = (name: string, body: object): Call => ({
  method: 'POST',
  path: '/',
  headers: { 'x-amz-target': `IoTSecuredTunneling.${name}`, 'content-type': 'application/x-amz-json-1.1' },
  body: JSON.stringify(body),
});

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function connect(port: number): Promise<Socket> {
  const socket = createConnection({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await once(socket, 'connect');
  return socket;
}

/** Seconds to push STREAM_BYTES through `port` to the echo server and get them all back. */
async function pump(port: number): Promise<number> {
  const socket = await connect(port);
  const started = process.hrtime.bigint();
  let received = 0;
  const back = new Promise<void>((resolve) => socket.on('data', (chunk) => (received += chunk.length) >= STREAM_BYTES && resolve()));
  for (let sent = 0; sent < STREAM_BYTES; sent += CHUNK.length) if (!socket.write(CHUNK)) await once(socket, 'drain');
  await back;
  socket.destroy();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Round trips of a 32-byte message through `port`, one at a time (ms each). */
async function roundTrips(port: number): Promise<number[]> {
  const socket = await connect(port);
  const message = Buffer.alloc(32, 0x62);
  const latencies: number[] = [];
  for (let i = 0; i < ECHO_ROUNDS; i += 1) {
    const started = process.hrtime.bigint();
    let got = 0;
    const back = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        got += chunk.length;
        if (got >= message.length) {
          socket.off('data', onData);
          resolve();
        }
      };
      socket.on('data', onData);
    });
    socket.write(message);
    await back;
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  socket.destroy();
  return latencies;
}

/** A started local proxy; like localproxy, it tries again after a 5xx (the relay's database slow under load). */
async function startProxy(options: LocalProxyOptions): Promise<LocalProxy> {
  for (let attempt = 1; ; attempt += 1) {
    const proxy = new LocalProxy(options);
    try {
      await proxy.start();
      return proxy;
    } catch (error) {
      await proxy.stop();
      if (attempt >= 10 || ((error as ProxyEnd).status ?? 500) < 500) throw error;
      await sleep(250);
    }
  }
}

/**
 * tools/local-proxy in a process of its own, as it runs on a client machine or a device (V3, one
 * service, SSH); with a client token, so that it may try again after a 5xx as localproxy does.
 */
async function proxyProcess(endpoint: string, mode: 'source' | 'destination', token: string, echoPort: number): Promise<{ server: Process; port: number }> {
  const env = { AWSIOT_TUNNEL_ACCESS_TOKEN: token, AWSIOT_TUNNEL_CLIENT_TOKEN: randomBytes(16).toString('hex') };
  const args = [...(mode === 'source' ? ['-s', 'SSH=0'] : ['-d', `SSH=127.0.0.1:${echoPort}`]), '-e', endpoint, '-y', 'V3'];
  for (let attempt = 1; ; attempt += 1) {
    try {
      const { server, ready } = await startTool(`${mode}-proxy`, 'tools/local-proxy/main.ts', args, env, mode === 'source' ? /SSH on 127\.0\.0\.1:(\d+)/ : /connected as destination/);
      return { server, port: Number(ready[1] ?? 0) };
    } catch (error) {
      if (attempt >= 10 || !/HTTP 5\d\d/.test((error as Error).message)) throw error;
      await sleep(250);
    }
  }
}

const rssBytes = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
const single = (value: number, seconds: number) => ({ requests: 1, seconds, rps: value, p50: Number.NaN, p99: Number.NaN, p999: Number.NaN, errors: 0 });

/** The tunnel relay (issue #15): one stream's bytes/s and echo latency against a bare TCP pipe, rotation → cut, many tunnels. */
export async function relayRows(context: BenchContext): Promise<Row[]> {
  const tunnelsApp = await startApp('tunnels', context.infra, database(context, 'relay_tunnels'));
  const relay = await startApp('tunnel-relay', context.infra, database(context, 'relay'));
  const echo = createServer((socket) => socket.on('error', () => socket.destroy()).pipe(socket));
  const echoPort = await listen(echo);
  const processes: Process[] = [];
  const proxies: LocalProxy[] = [];
  const signer = new RequestSigner(tunnelsApp.url, 'IoTSecuredTunneling');
  const endpoint = relay.url.replace(/^http/, 'ws');
  const open = () => signer.expect<{ tunnelId: string; sourceAccessToken: string; destinationAccessToken: string }>(operation('OpenTunnel', { destinationConfig: { services: ['SSH'] } }));
  type Opened = Awaited<ReturnType<typeof open>>;
  /** Opened first, so that the relay's projection has their tokens before the peers come. */
  const openMany = async (count: number) => {
    const opened: Opened[] = [];
    for (let i = 0; i < count; i += 50) opened.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, open))));
    return opened;
  };
  const pair = async (tunnel: Opened, at = endpoint) => {
    const destination = await startProxy({ endpoint: at, mode: 'destination', token: tunnel.destinationAccessToken, version: 3, services: { SSH: echoPort } });
    const source = await startProxy({ endpoint: at, mode: 'source', token: tunnel.sourceAccessToken, version: 3, services: { SSH: 0 } });
    proxies.push(destination, source);
    return { tunnel, source, destination };
  };
  try {
    // Stream and echo rows: each local proxy, the relay and the bare pipe in a process of its own.
    const [streamed] = await openMany(1);
    const destinationProcess = await proxyProcess(endpoint, 'destination', streamed.destinationAccessToken, echoPort);
    processes.push(destinationProcess.server);
    const sourceProcess = await proxyProcess(endpoint, 'source', streamed.sourceAccessToken, echoPort);
    processes.push(sourceProcess.server);
    const bare = await startTool('bare-tcp-pipe', 'tools/bench/bare-tcp-pipe-server.ts', [], { PIPE_TARGET_PORT: String(echoPort) }, /listening on 127\.0\.0\.1:(\d+)/);
    processes.push(bare.server);
    const sourcePort = sourceProcess.port;
    const barePort = Number(bare.ready[1]);
    await pump(sourcePort); // warm-up
    await pump(barePort);
    // Alternated, medians: the machine's load moves both alike.
    const relayRuns: number[] = [];
    const bareRuns: number[] = [];
    for (let i = 0; i < STREAM_RUNS; i += 1) {
      relayRuns.push(await pump(sourcePort));
      bareRuns.push(await pump(barePort));
    }
    const relaySeconds = percentile(relayRuns.sort((x, y) => x - y), 50);
    const bareSeconds = percentile(bareRuns.sort((x, y) => x - y), 50);
    const mb = STREAM_BYTES / 2 ** 20;
    const relayRate = single(mb / relaySeconds, relaySeconds);
    const bareRate = single(mb / bareSeconds, bareSeconds);

    await roundTrips(sourcePort); // warm-up
    const relayTrips = summarize(await roundTrips(sourcePort), 1, 0);
    const bareTrips = summarize(await roundTrips(barePort), 1, 0);

    const cuts: number[] = [];
    for (const tunnel of await openMany(ROTATIONS)) {
      const peer = await startProxy({ endpoint, mode: 'source', token: tunnel.sourceAccessToken, version: 3, services: { SSH: 0 } });
      const ended = new Promise<number>((resolve) => peer.once('ended', () => resolve(Date.now())));
      await signer.expect(operation('RotateTunnelAccessToken', { tunnelId: tunnel.tunnelId, clientMode: 'SOURCE' }));
      const answered = Date.now();
      cuts.push((await ended) - answered);
      await peer.stop();
    }
    const cutLatency = summarize(cuts, 1, 0);

    await Promise.all(proxies.splice(0).map((proxy) => proxy.stop()));
    await Promise.all(processes.splice(0).map((server) => server.stop()));

    // Many tunnels on a relay of their own: the stream's buffers, freed meanwhile, would move this
    // one's RSS more than the tunnels do (a run measured -26 KiB per tunnel).
    const manyRelay = await startApp('tunnel-relay', context.infra, database(context, 'relay_many'), { name: 'tunnel-relay-many' });
    processes.push(manyRelay);
    const rssBefore = rssBytes(manyRelay.process.pid!);
    const opened = await openMany(CONCURRENT_TUNNELS);
    for (let i = 0; i < CONCURRENT_TUNNELS; i += 50) await Promise.all(opened.slice(i, i + 50).map((tunnel) => pair(tunnel, manyRelay.url.replace(/^http/, 'ws'))));
    const perTunnel = (rssBytes(manyRelay.process.pid!) - rssBefore) / CONCURRENT_TUNNELS;
    const probe = proxies[proxies.length - 1];
    const manyTrips = summarize(await roundTrips(probe.port('SSH')), 1, 0);

    return [
      { section: 'Tunnel relay', name: `one stream through the relay (MB/s, echo both ways, median of ${STREAM_RUNS})`, measurement: relayRate, ratio: { value: relayRate.rps / bareRate.rps, meaning: 'MB/s ÷ bare pipe MB/s', target: '≥ 0.5' } },
      { section: 'Tunnel relay', name: `baseline: bare Node TCP pipe (MB/s, median of ${STREAM_RUNS})`, measurement: bareRate },
      { section: 'Tunnel relay', name: `echo round trip through the relay (${ECHO_ROUNDS} × 32 B)`, measurement: relayTrips, ratio: { value: relayTrips.p99 - bareTrips.p99, meaning: 'p99 ms added over the bare pipe', target: '≤ 2 ms' } },
      { section: 'Tunnel relay', name: 'baseline: echo round trip through a bare TCP pipe', measurement: bareTrips },
      { section: 'Tunnel relay', name: `rotation answered → revoked peer closed (${ROTATIONS} rotations)`, measurement: cutLatency, ratio: { value: percentile([...cuts].sort((a, b) => a - b), 99), meaning: 'p99 ms', target: '≤ 250 ms' } },
      {
        section: 'Tunnel relay',
        name: `${CONCURRENT_TUNNELS} concurrent tunnels: echo round trip on the last one`,
        measurement: manyTrips,
        ratio: { value: perTunnel / 1024, meaning: 'relay RSS KiB per tunnel (two peers)' },
      },
    ];
  } finally {
    await Promise.all(proxies.map((proxy) => proxy.stop()));
    await Promise.all(processes.map((server) => server.stop()));
    echo.close();
    await relay.stop();
    await tunnelsApp.stop();
  }
}
