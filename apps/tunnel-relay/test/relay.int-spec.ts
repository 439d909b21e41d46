import { DescribeTunnelCommand, IoTSecureTunnelingClient } from '@aws-sdk/client-iotsecuretunneling';
import { EVENT_TYPES, TOPICS } from '@rekey/contracts';
import { eventually, ProductionApp, TestApp, TopicTail } from '@rekey/testing';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { openTunnel, proxyPool, roundTrip, spawnTunnelsApp, startEchoServer, startProxy, startRelay, stopApp } from './relay-harness';

describe('tunnel relay carrying TCP traffic between local proxies', () => {
  let tunnels: ProductionApp;
  let relay: TestApp;
  let api: IoTSecureTunnelingClient;
  let echo: { port: number; server: Server };
  let other: { port: number; server: Server };
  const { proxy, stopAll } = proxyPool();

  beforeAll(async () => {
    [{ app: tunnels, api }, relay] = await Promise.all([spawnTunnelsApp(), startRelay()]);
    echo = await startEchoServer();
    other = await startEchoServer('other:');
  });
  afterEach(async () => {
    await stopAll();
  });
  afterAll(async () => {
    echo.server.close();
    other.server.close();
    await relay?.close();
    await stopApp(tunnels);
  });

  it('V3: several services, several simultaneous connections per service', async () => {
    const tunnel = await openTunnel(api, { destinationConfig: { services: ['SSH', 'HTTP'] } });
    await proxy(relay, { mode: 'destination', token: tunnel.destination, services: { SSH: echo.port, HTTP: other.port } });
    const source = await proxy(relay, { mode: 'source', token: tunnel.source, services: { SSH: 0, HTTP: 0 } });
    expect(source.announcedServices).toEqual(['SSH', 'HTTP']);
    const big = 'x'.repeat(200_000);
    const answers = await Promise.all([
      roundTrip(source.port('SSH'), 'ssh-1'),
      roundTrip(source.port('SSH'), 'ssh-2'),
      roundTrip(source.port('SSH'), big),
      roundTrip(source.port('HTTP'), 'web', 'other:web'.length),
    ]);
    expect(answers).toEqual(['ssh-1', 'ssh-2', big, 'other:web']);
  });

  it('V2: several services, one stream each', async () => {
    const tunnel = await openTunnel(api, { destinationConfig: { services: ['SSH', 'HTTP'] } });
    await proxy(relay, { mode: 'destination', version: 2, token: tunnel.destination, services: { SSH: echo.port, HTTP: other.port } });
    const source = await proxy(relay, { mode: 'source', version: 2, token: tunnel.source, services: { SSH: 0, HTTP: 0 } });
    expect(await roundTrip(source.port('SSH'), 'ssh')).toBe('ssh');
    expect(await roundTrip(source.port('HTTP'), 'web', 'other:web'.length)).toBe('other:web');
  });

  it('V1: one service, no serviceId on the wire', async () => {
    const tunnel = await openTunnel(api, { destinationConfig: { services: ['SSH'] } });
    await proxy(relay, { mode: 'destination', version: 1, token: tunnel.destination, services: { SSH: echo.port } });
    const source = await proxy(relay, { mode: 'source', version: 1, token: tunnel.source, services: { SSH: 0 } });
    expect(source.announcedServices).toBeUndefined();
    expect(await roundTrip(source.port('SSH'), 'v1 bytes')).toBe('v1 bytes');
  });

  it('V1 source and V3 destination interoperate through the relay', async () => {
    const tunnel = await openTunnel(api, { destinationConfig: { services: ['SSH'] } });
    await proxy(relay, { mode: 'destination', version: 3, token: tunnel.destination, services: { SSH: echo.port } });
    const source = await proxy(relay, { mode: 'source', version: 1, token: tunnel.source, services: { SSH: 0 } });
    expect(await roundTrip(source.port('SSH'), 'mixed')).toBe('mixed');
  });

  it('V3 source and V1 destination interoperate through the relay', async () => {
    const tunnel = await openTunnel(api, { destinationConfig: { services: ['SSH'] } });
    await proxy(relay, { mode: 'destination', version: 1, token: tunnel.destination, services: { SSH: echo.port } });
    const source = await proxy(relay, { mode: 'source', version: 3, token: tunnel.source, services: { SSH: 0 } });
    expect(await roundTrip(source.port('SSH'), 'mixed the other way')).toBe('mixed the other way');
  });

  it('publishes PeerConnected / PeerDisconnected, which DescribeTunnel shows as CONNECTED then DISCONNECTED', async () => {
    const events = await TopicTail.start(TOPICS['tunnel-relay']);
    const tunnel = await openTunnel(api, { destinationConfig: { services: ['SSH'] } });
    const states = async () => {
      const { tunnel: described } = await api.send(new DescribeTunnelCommand({ tunnelId: tunnel.tunnelId }));
      return [described!.sourceConnectionState!.status, described!.destinationConnectionState!.status, described!.destinationConnectionState!.lastUpdatedAt];
    };
    const destination = await proxy(relay, { mode: 'destination', token: tunnel.destination, services: { SSH: echo.port } });
    const connected = await events.find(EVENT_TYPES['tunnel-relay'].PeerConnected, tunnel.tunnelId);
    expect(connected.data).toEqual({ tenant: '111111111111', tunnelId: tunnel.tunnelId, tunnelArn: expect.stringContaining(tunnel.tunnelId), mode: 'DESTINATION', at: expect.any(String) });
    expect(connected.raw).not.toContain(tunnel.destination);
    await eventually(async () => ((await states())[1] === 'CONNECTED' ? true : undefined), 10_000, 'CONNECTED');
    expect((await states())[0]).toBe('DISCONNECTED');

    await destination.stop();
    await events.find(EVENT_TYPES['tunnel-relay'].PeerDisconnected, tunnel.tunnelId);
    const [, status, lastUpdatedAt] = await eventually(async () => {
      const now = await states();
      return now[1] === 'DISCONNECTED' ? now : undefined;
    }, 10_000, 'DISCONNECTED');
    expect(status).toBe('DISCONNECTED');
    expect((lastUpdatedAt as Date).getTime()).toBeGreaterThan(Date.now() - 60_000);
    await events.stop();
  });


  it('serves wss (REKEY_TLS_CERT_FILE / REKEY_TLS_KEY_FILE) with TLS 1.2+ to a local proxy that trusts its CA, and refuses TLS 1.1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-tls-'));
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const ca = readFileSync(cert);
    const tlsRelay = await startRelay({ REKEY_TLS_CERT_FILE: cert, REKEY_TLS_KEY_FILE: key });
    try {
      expect(tlsRelay.url).toMatch(/^https:/);
      const tunnel = await openTunnel(api, { destinationConfig: { services: ['SSH'] } });
      const destination = await startProxy(tlsRelay, { mode: 'destination', token: tunnel.destination, services: { SSH: echo.port }, ca });
      const source = await startProxy(tlsRelay, { mode: 'source', token: tunnel.source, services: { SSH: 0 }, ca });
      expect(await roundTrip(source.port('SSH'), 'over tls')).toBe('over tls');
      await Promise.all([source.stop(), destination.stop()]);

      const port = Number(new URL(tlsRelay.url).port);
      const outcome = await new Promise<string>((resolve) => {
        const socket = tlsConnect({ host: '127.0.0.1', port, ca, minVersion: 'TLSv1', maxVersion: 'TLSv1.1' });
        socket.on('secureConnect', () => resolve('connected'));
        socket.on('error', () => resolve('refused'));
      });
      expect(outcome).toBe('refused');
    } finally {
      await tlsRelay.close();
    }
  });
});
