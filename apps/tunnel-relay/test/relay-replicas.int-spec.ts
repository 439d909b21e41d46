import { IoTSecureTunnelingClient, RotateTunnelAccessTokenCommand } from '@aws-sdk/client-iotsecuretunneling';
import { ProductionApp, spawnProductionApp, uniqueMongoUri, waitUntilReady, writeProductionSecrets } from '@rekey/testing';
import { LocalProxy } from '@rekey/tunnel-protocol';
import { Server } from 'node:net';
import { openTunnel, proxyPool, roundTrip, spawnTunnelsApp, startEchoServer, stopApp } from './relay-harness';

const CLIENT_TOKEN = 'replica-test-client-token-0123456789';

/** Two relay replicas as processes sharing one database and one keyring, as behind one Service. */
async function spawnReplicas(): Promise<[ProductionApp, ProductionApp]> {
  const shared = { MONGO_URI: uniqueMongoUri('rekey_tunnel_relay'), REKEY_KEYRING_FILE: writeProductionSecrets().REKEY_KEYRING_FILE };
  const replicas = await Promise.all([0, 1].map(() => spawnProductionApp('tunnel-relay', shared, { fromSource: true })));
  await Promise.all(replicas.map((replica) => waitUntilReady(replica)));
  return replicas as [ProductionApp, ProductionApp];
}

describe('tunnel relay on two replicas', () => {
  let tunnels: ProductionApp;
  let api: IoTSecureTunnelingClient;
  let a: ProductionApp;
  let b: ProductionApp;
  let echo: { port: number; server: Server };
  const { proxy, stopAll } = proxyPool();
  const endOf = (p: LocalProxy) => new Promise<{ code?: number; at: number }>((resolve) => p.once('ended', (end) => resolve({ ...end, at: Date.now() })));

  beforeAll(async () => {
    [{ app: tunnels, api }, [a, b]] = await Promise.all([spawnTunnelsApp(), spawnReplicas()]);
    echo = await startEchoServer();
  }, 90_000);
  afterAll(async () => {
    await stopAll();
    echo?.server.close();
    await Promise.all([stopApp(a), stopApp(b), stopApp(tunnels)]);
  });

  it('rotation ALL / SOURCE / DESTINATION cuts exactly the revoked peers, on both replicas, within 1 s', async () => {
    const pair = async () => {
      const tunnel = await openTunnel(api, { destinationConfig: { services: ['SSH'] } });
      const destination = await proxy(a, { mode: 'destination', token: tunnel.destination, services: { SSH: echo.port } });
      const source = await proxy(b, { mode: 'source', token: tunnel.source, services: { SSH: 0 } });
      return { tunnel, destination, source, destinationEnd: endOf(destination), sourceEnd: endOf(source) };
    };
    const [sourceOnly, destinationOnly, all] = await Promise.all([pair(), pair(), pair()]);
    const rotate = async (tunnelId: string, clientMode: 'SOURCE' | 'DESTINATION' | 'ALL') => {
      await api.send(new RotateTunnelAccessTokenCommand({ tunnelId, clientMode }));
      return Date.now();
    };
    const [sourceAnswered, destinationAnswered, allAnswered] = await Promise.all([
      rotate(sourceOnly.tunnel.tunnelId, 'SOURCE'),
      rotate(destinationOnly.tunnel.tunnelId, 'DESTINATION'),
      rotate(all.tunnel.tunnelId, 'ALL'),
    ]);
    const cuts = await Promise.all([sourceOnly.sourceEnd, destinationOnly.destinationEnd, all.sourceEnd, all.destinationEnd]);
    expect(cuts.map((cut) => cut.code)).toEqual([1008, 1008, 1008, 1008]);
    expect(cuts[0].at - sourceAnswered).toBeLessThan(1_000);
    expect(cuts[1].at - destinationAnswered).toBeLessThan(1_000);
    expect(Math.max(cuts[2].at, cuts[3].at) - allAnswered).toBeLessThan(1_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([sourceOnly.destination.connected, destinationOnly.source.connected]).toEqual([true, true]);
  });

  it('joins a destination on one replica and a source on the other; after SIGKILL of one, the peer reconnects to the other with its client token', async () => {
    const tunnel = await openTunnel(api, { destinationConfig: { services: ['SSH'] } });
    await proxy(a, { mode: 'destination', token: tunnel.destination, clientToken: CLIENT_TOKEN, services: { SSH: echo.port } });
    const source = await proxy(b, { mode: 'source', token: tunnel.source, services: { SSH: 0 } });
    expect(await roundTrip(source.port('SSH'), 'across replicas')).toBe('across replicas');
    const big = 'y'.repeat(300_000);
    expect(await roundTrip(source.port('SSH'), big)).toBe(big);

    await stopApp(a, 'SIGKILL');
    // The destination's connection dropped without a close frame: it reconnects, through the Service, to the surviving replica.
    await proxy(b, { mode: 'destination', token: tunnel.destination, clientToken: CLIENT_TOKEN, services: { SSH: echo.port } });
    expect(source.connected).toBe(true);
    expect(await roundTrip(source.port('SSH'), 'after the failover')).toBe('after the failover');
  });
});
