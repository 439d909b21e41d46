import { IoTSecureTunnelingClient, OpenTunnelCommand, OpenTunnelCommandInput } from '@aws-sdk/client-iotsecuretunneling';
import { KafkaEventTransport } from '@rekey/events';
import { awsClientConfig, ProductionApp, spawnProductionApp, startTestApp, TestApp, waitUntilReady } from '@rekey/testing';
import { LocalProxy, LocalProxyOptions, ProtocolVersion } from '@rekey/tunnel-protocol';
import { once } from 'node:events';
import WebSocket from 'ws';
import { AddressInfo, createConnection, createServer, Server } from 'node:net';
import { TunnelRelayAppModule } from '../src/app.module';
import { REVOCATIONS } from '../src/projection/tunnels-feed.controller';

/** The tunnels API as a process of its own (another app: run from its source), on the real servers. */
export async function spawnTunnelsApp(env: NodeJS.ProcessEnv = {}): Promise<{ app: ProductionApp; api: IoTSecureTunnelingClient }> {
  const app = await spawnProductionApp('tunnels', env, { fromSource: true });
  await waitUntilReady(app, 60_000);
  return { app, api: new IoTSecureTunnelingClient(awsClientConfig(app.url)) };
}

/**
 * A relay replica in this process, once its broadcast group has joined: from then on it applies
 * every tunnels event to its projection. (Its readiness also waits for the durable projection
 * group, which the relays of parallel test files share, each with a database of its own.)
 */
export async function startRelay(env: NodeJS.ProcessEnv = {}): Promise<TestApp> {
  const relay = await startTestApp('tunnel-relay', (config) => TunnelRelayAppModule.register(config), env);
  await relay.nest.get(KafkaEventTransport).joined(REVOCATIONS.group);
  return relay;
}

/** Stops a spawned app and waits for its exit. */
export async function stopApp(app: ProductionApp | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!app || app.process.exitCode !== null) return;
  app.process.kill(signal);
  await app.exited;
}

export async function openTunnel(api: IoTSecureTunnelingClient, input: OpenTunnelCommandInput = {}) {
  const opened = await api.send(new OpenTunnelCommand(input));
  return { tunnelId: opened.tunnelId!, source: opened.sourceAccessToken!, destination: opened.destinationAccessToken! };
}

/** A TCP echo server, standing in for SSH and the like. */
export async function startEchoServer(prefix = ''): Promise<{ port: number; server: Server }> {
  const server = createServer((socket) => socket.on('data', (chunk) => socket.write(prefix ? Buffer.concat([Buffer.from(prefix), chunk]) : chunk)).on('error', () => socket.destroy()));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, server };
}

/** Sends `text` to a local port and resolves with the first `expected.length` bytes that come back. */
export async function roundTrip(port: number, text: string, expectedLength = text.length): Promise<string> {
  const socket = createConnection({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  let received = 0;
  const answer = new Promise<string>((resolve, reject) => {
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received >= expectedLength) resolve(Buffer.concat(chunks).toString());
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed after ${received} bytes`)));
  });
  socket.write(text);
  try {
    return await answer;
  } finally {
    socket.destroy();
  }
}

export function relayEndpoint(relay: { url: string }): string {
  return relay.url.replace(/^http/, 'ws');
}

/** A started local proxy of the project's own (tools/local-proxy). */
export async function startProxy(relay: { url: string }, options: Omit<LocalProxyOptions, 'endpoint' | 'version'> & { version?: ProtocolVersion }): Promise<LocalProxy> {
  const proxy = new LocalProxy({ endpoint: relayEndpoint(relay), version: 3, ...options });
  await proxy.start();
  return proxy;
}

/** The HTTP status a handshake gets (101 when it is accepted; the socket is then closed). */
export function handshakeStatus(relay: { url: string }, init: { path?: string; headers?: Record<string, string>; protocols?: string[] }): Promise<number> {
  const socket = new WebSocket(`${relayEndpoint(relay)}${init.path ?? '/tunnel?local-proxy-mode=source'}`, init.protocols ?? ['aws.iot.securetunneling-3.0'], { headers: init.headers });
  return new Promise((resolve, reject) => {
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode!);
      socket.terminate();
    });
    socket.on('open', () => {
      resolve(101);
      socket.terminate();
    });
    socket.on('error', (error) => (error.message.includes('Unexpected server response') ? undefined : reject(error)));
  });
}

/** A bare protocol client: sends raw bytes and reports the close it gets. */
export async function rawPeer(relay: { url: string }, mode: 'source' | 'destination', token: string, protocol = 'aws.iot.securetunneling-3.0') {
  const socket = new WebSocket(`${relayEndpoint(relay)}/tunnel?local-proxy-mode=${mode}`, [protocol], { headers: { 'access-token': token } });
  const received: Buffer[] = [];
  socket.on('message', (data: Buffer) => received.push(data));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await once(socket, 'open');
  return { socket, received, closed };
}

/** Local proxies started by a test, stopped together after each test. */
export function proxyPool() {
  const started: LocalProxy[] = [];
  return {
    started,
    async proxy(...args: Parameters<typeof startProxy>): Promise<LocalProxy> {
      const proxy = await startProxy(...args);
      started.push(proxy);
      return proxy;
    },
    stopAll: () => Promise.all(started.splice(0).map((proxy) => proxy.stop())),
  };
}
