import { CloseTunnelCommand, IoTSecureTunnelingClient, RotateTunnelAccessTokenCommand } from '@aws-sdk/client-iotsecuretunneling';
import { getConnectionToken } from '@nestjs/mongoose';
import { ProductionApp, TestApp } from '@rekey/testing';
import { decodeFramed, frameMessage, MessageDeframer, TunnelMessageType } from '@rekey/tunnel-protocol';
import type { Connection } from 'mongoose';
import { once } from 'node:events';
import { Server } from 'node:net';
import { handshakeStatus, openTunnel, proxyPool, rawPeer, roundTrip, spawnTunnelsApp, startEchoServer, startRelay, stopApp } from './relay-harness';

const CLIENT_TOKEN = 'a'.repeat(20) + '-0123456789ab';

describe('tunnel relay: handshake refusals, stream rules, token rules', () => {
  let tunnels: ProductionApp;
  let relay: TestApp;
  let api: IoTSecureTunnelingClient;
  let echo: { port: number; server: Server };
  const { proxy, stopAll, started: proxies } = proxyPool();
  const status = (headers: Record<string, string>, extra: { path?: string; protocols?: string[] } = {}) => handshakeStatus(relay, { headers, ...extra });

  beforeAll(async () => {
    [{ app: tunnels, api }, relay] = await Promise.all([spawnTunnelsApp(), startRelay()]);
    echo = await startEchoServer();
  });
  afterEach(async () => {
    await stopAll();
  });
  afterAll(async () => {
    echo.server.close();
    await relay?.close();
    await stopApp(tunnels);
  });

  it('refuses each bad handshake with its documented status and keeps serving', async () => {
    const tunnel = await openTunnel(api, { destinationConfig: { services: ['SSH'] } });
    const rotated = await openTunnel(api);
    await api.send(new RotateTunnelAccessTokenCommand({ tunnelId: rotated.tunnelId, clientMode: 'SOURCE' }));
    const closed = await openTunnel(api);
    await api.send(new CloseTunnelCommand({ tunnelId: closed.tunnelId }));
    const used = await openTunnel(api);
    expect(await status({ 'access-token': used.source })).toBe(101);

    expect(await status({})).toBe(401); // no token
    expect(await status({ 'access-token': tunnel.source, cookie: `awsiot-tunnel-token=${tunnel.source}` })).toBe(400); // two tokens
    expect(await status({ 'access-token': tunnel.source }, { path: '/tunnel?local-proxy-mode=destination' })).toBe(401); // wrong mode
    expect(await status({ 'access-token': tunnel.source }, { path: '/tunnel?local-proxy-mode=both' })).toBe(400);
    expect(await status({ 'access-token': tunnel.source }, { path: '/other?local-proxy-mode=source' })).toBe(400);
    expect(await status({ 'access-token': 'unknown-token' })).toBe(401);
    expect(await status({ 'access-token': rotated.source })).toBe(401); // revoked
    expect(await status({ 'access-token': closed.source })).toBe(401); // closed
    expect(await status({ 'access-token': used.source })).toBe(401); // reused without client-token
    expect(await status({ 'access-token': tunnel.source }, { protocols: ['aws.iot.securetunneling-4.0'] })).toBe(400);
    expect(await status({ 'access-token': tunnel.source, 'client-token': 'short' })).toBe(400);
    expect(await status({ 'access-token': tunnel.source, 'x-padding': 'p'.repeat(4_096) })).toBe(431);

    // expired: the relay's own view says the end of life has passed
    const expired = await openTunnel(api);
    expect(await status({ 'access-token': expired.destination }, { path: '/tunnel?local-proxy-mode=destination' })).toBe(101);
    await relay.nest.get<Connection>(getConnectionToken()).collection('tunnels').updateOne({ _id: expired.tunnelId as never }, { $set: { expiresAt: new Date(Date.now() - 1) } });
    expect(await status({ 'access-token': expired.source })).toBe(401);

    // the relay still serves, and the cookie form works
    expect(await status({ cookie: `awsiot-tunnel-token=${tunnel.source}` })).toBe(101);
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics).toMatch(/rekey_tunnel_refusals_total\{reason="token_used"[^}]*\} [1-9]/);
    expect(metrics).not.toContain(tunnel.source);
  });

  it('answers the 101 with the subprotocol and a channel-id, then SERVICE_IDS; pings get the same payload', async () => {
    const tunnel = await openTunnel(api, { destinationConfig: { services: ['SSH1'] } });
    const peer = await rawPeer(relay, 'destination', tunnel.destination);
    expect(peer.socket.protocol).toBe('aws.iot.securetunneling-3.0');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(Buffer.concat(peer.received).toString('hex')).toBe('00080805320453534831');
    peer.socket.ping(Buffer.from('1795998025046'));
    const [pong] = await once(peer.socket, 'pong');
    expect(String(pong)).toBe('1795998025046');
    peer.socket.close();
  });

  it.each([
    ['a text frame', 'destination', (socket: import('ws').WebSocket) => socket.send('hello'), 1003],
    ['an oversize frame', 'destination', (socket: import('ws').WebSocket) => socket.send(Buffer.alloc(131_077)), 1009],
    ['an unknown type', 'source', (socket: import('ws').WebSocket) => socket.send(frameMessage({ type: 42, streamId: 1 })), 1002],
    ['STREAM_START from the destination', 'destination', (socket: import('ws').WebSocket) => socket.send(frameMessage({ type: TunnelMessageType.STREAM_START, streamId: 1, serviceId: 'SSH' })), 1002],
    ['streamId 0', 'source', (socket: import('ws').WebSocket) => socket.send(frameMessage({ type: TunnelMessageType.DATA, streamId: 0, serviceId: 'SSH' })), 1002],
    ['SERVICE_IDS from a client', 'source', (socket: import('ws').WebSocket) => socket.send(frameMessage({ type: TunnelMessageType.SERVICE_IDS })), 1002],
    ['an undeclared field', 'source', (socket: import('ws').WebSocket) => socket.send(Buffer.from('0004080140' + '01', 'hex')), 1002],
    ['data for a service with no stream', 'source', (socket: import('ws').WebSocket) => socket.send(frameMessage({ type: TunnelMessageType.DATA, streamId: 1, serviceId: 'SSH' })), 1002],
  ] as const)('closes a peer sending %s', async (_what, mode, send, code) => {
    const tunnel = await openTunnel(api, { destinationConfig: { services: ['SSH'] } });
    const peer = await rawPeer(relay, mode, mode === 'source' ? tunnel.source : tunnel.destination);
    send(peer.socket);
    expect((await peer.closed).code).toBe(code);
  });

  it('lets a client token reconnect with the same access token, replacing the old peer; others may not', async () => {
    const tunnel = await openTunnel(api, { destinationConfig: { services: ['SSH'] } });
    const destination = await rawPeer(relay, 'destination', tunnel.destination);
    const first = await proxy(relay, { mode: 'source', token: tunnel.source, clientToken: CLIENT_TOKEN, services: { SSH: 0 } });
    const ended = new Promise((resolve) => first.once('ended', resolve));
    const client = new (await import('node:net')).Socket();
    client.connect(first.port('SSH'), '127.0.0.1');
    await once(client, 'connect');
    await new Promise((resolve) => setTimeout(resolve, 100)); // the STREAM_START reaches the destination

    expect(await status({ 'access-token': tunnel.source })).toBe(401);
    const second = await proxy(relay, { mode: 'source', token: tunnel.source, clientToken: CLIENT_TOKEN, services: { SSH: 0 } });
    expect(await ended).toEqual({ code: 1000, reason: 'Replaced by a new peer' });
    expect(second.connected).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const fromRelay = new MessageDeframer().push(Buffer.concat(destination.received)).map((framed) => decodeFramed(framed).type);
    expect(fromRelay).toEqual([TunnelMessageType.SERVICE_IDS, TunnelMessageType.STREAM_START, TunnelMessageType.STREAM_RESET]);
    client.destroy();
    destination.socket.close();
  });

  it('cuts the peers of a rotated mode with 1008 and those of a closed tunnel with 1000', async () => {
    const tunnel = await openTunnel(api, { destinationConfig: { services: ['SSH'] } });
    await proxy(relay, { mode: 'destination', token: tunnel.destination, services: { SSH: echo.port } });
    const source = await proxy(relay, { mode: 'source', token: tunnel.source, services: { SSH: 0 } });
    expect(await roundTrip(source.port('SSH'), 'before')).toBe('before');
    const sourceEnded = new Promise((resolve) => source.once('ended', resolve));
    await api.send(new RotateTunnelAccessTokenCommand({ tunnelId: tunnel.tunnelId, clientMode: 'SOURCE' }));
    const answeredAt = Date.now();
    expect(await sourceEnded).toEqual({ code: 1008, reason: 'Access token revoked' });
    expect(Date.now() - answeredAt).toBeLessThan(1_000);
    const destination = proxies[proxies.length - 2];
    expect(destination.connected).toBe(true);
    const destinationEnded = new Promise((resolve) => destination.once('ended', resolve));
    await api.send(new CloseTunnelCommand({ tunnelId: tunnel.tunnelId }));
    expect(await destinationEnded).toEqual({ code: 1000, reason: 'Tunnel closed' });
  });
});
