import { IoTSecureTunnelingClient, RotateTunnelAccessTokenCommand } from '@aws-sdk/client-iotsecuretunneling';
import { EVENT_TYPES, TOPICS } from '@rekey/contracts';
import { OUTBOX } from '@rekey/events';
import { withDeadline } from '@rekey/platform';
import { eventually, ofType, ProductionApp, spawnProductionApp, TopicTail, uniqueMongoUri, waitUntilReady, writeProductionSecrets } from '@rekey/testing';
import { LocalProxy } from '@rekey/tunnel-protocol';
import { Collection, MongoClient } from 'mongodb';
import { Server } from 'node:net';
import { openTunnel, proxyPool, roundTrip, spawnTunnelsApp, startEchoServer, stopApp } from './relay-harness';

const CLIENT_TOKEN = 'replica-test-client-token-0123456789';
/** Short, so that a replica killed without a word has its ends recorded as gone within seconds. */
const PEER_LEASE_MS = 1_500;

/** Three relay replicas as processes sharing one database and one keyring, as behind one Service. */
async function spawnReplicas(mongoUri: string): Promise<[ProductionApp, ProductionApp, ProductionApp]> {
  const shared = { MONGO_URI: mongoUri, REKEY_KEYRING_FILE: writeProductionSecrets().REKEY_KEYRING_FILE, REKEY_RELAY_PEER_LEASE_MS: String(PEER_LEASE_MS) };
  const replicas = await Promise.all([0, 1, 2].map(() => spawnProductionApp('tunnel-relay', shared, { fromSource: true })));
  await Promise.all(replicas.map((replica) => waitUntilReady(replica, 90_000)));
  return replicas as [ProductionApp, ProductionApp, ProductionApp];
}

describe('tunnel relay on several replicas', () => {
  let tunnels: ProductionApp;
  let api: IoTSecureTunnelingClient;
  let a: ProductionApp;
  let b: ProductionApp;
  let c: ProductionApp;
  let relayEvents: TopicTail;
  let echo: { port: number; server: Server };
  const mongoUri = uniqueMongoUri('rekey_tunnel_relay');
  const database = new MongoClient(mongoUri);
  const peers: Collection<{ _id: string }> = database.db().collection('peers');
  const { proxy, stopAll } = proxyPool();
  const endOf = (p: LocalProxy) => new Promise<{ code?: number; at: number }>((resolve) => p.once('ended', (end) => resolve({ ...end, at: Date.now() })));

  beforeAll(async () => {
    [{ app: tunnels, api }, [a, b, c], relayEvents] = await Promise.all([spawnTunnelsApp(), spawnReplicas(mongoUri), TopicTail.start(TOPICS['tunnel-relay'])]);
    echo = await startEchoServer();
  }, 120_000);
  afterAll(async () => {
    await stopAll();
    echo?.server.close();
    await Promise.all([stopApp(a), stopApp(b), stopApp(c), stopApp(tunnels), relayEvents?.stop(), database.close()]);
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

  it('joins the two peers of a tunnel arriving at the same moment on two replicas', async () => {
    const tunnelsOpened = await Promise.all(Array.from({ length: 4 }, () => openTunnel(api, { destinationConfig: { services: ['SSH'] } })));
    const sources = await Promise.all(
      tunnelsOpened.map(async (tunnel) => {
        const [, source] = await Promise.all([
          proxy(a, { mode: 'destination', token: tunnel.destination, services: { SSH: echo.port } }),
          proxy(b, { mode: 'source', token: tunnel.source, services: { SSH: 0 } }),
        ]);
        return source;
      }),
    );
    expect(await Promise.all(sources.map((source, i) => roundTrip(source.port('SSH'), `same moment ${i}`)))).toEqual(sources.map((_, i) => `same moment ${i}`));
  });

  it('cuts a peer replaced from a third replica and pairs the new one; a replica killed without a word leaves its end DISCONNECTED, and the next peer pairs without it', async () => {
    const tunnel = await openTunnel(api, { destinationConfig: { services: ['SSH'] } });
    await proxy(a, { mode: 'destination', token: tunnel.destination, services: { SSH: echo.port } });
    const first = await proxy(b, { mode: 'source', token: tunnel.source, clientToken: CLIENT_TOKEN, services: { SSH: 0 } });
    expect(await roundTrip(first.port('SSH'), 'first source')).toBe('first source');

    const firstEnd = endOf(first);
    const second = await proxy(c, { mode: 'source', token: tunnel.source, clientToken: CLIENT_TOKEN, services: { SSH: 0 } });
    expect(await withDeadline(firstEnd, 5_000, 'the replaced source was not closed')).toMatchObject({ code: 1000, reason: 'Replaced by a new peer' });
    expect(await roundTrip(second.port('SSH'), 'second source')).toBe('second source');

    // What DescribeTunnel shows is the tunnels app's reading of these events (relay.int-spec). The
    // replica dies once its PeerConnected is out and the end's outbox is cleared and released: one
    // that dies holding an outbox claim delays its document's next events by the claim's 30 s.
    const ofSource = (type: string) => (event: Parameters<ReturnType<typeof ofType>>[0]) => ofType(type, tunnel.tunnelId)(event) && event.data.mode === 'SOURCE';
    await relayEvents.waitFor(ofSource(EVENT_TYPES['tunnel-relay'].PeerConnected), 2);
    await eventually(() => peers.findOne({ _id: `${tunnel.tunnelId}:SOURCE`, [OUTBOX.events]: { $size: 0 }, [OUTBOX.claimedBy]: { $exists: false } }).then((end) => end ?? undefined), 15_000, "the source end's outbox cleared and unclaimed");
    const killedAt = Date.now();
    await stopApp(c, 'SIGKILL');
    const [gone] = await relayEvents.waitFor(ofSource(EVENT_TYPES['tunnel-relay'].PeerDisconnected), 1, 15_000);
    expect(Date.parse(String(gone.data.at))).toBeGreaterThanOrEqual(killedAt);
    const third = await proxy(b, { mode: 'source', token: tunnel.source, clientToken: CLIENT_TOKEN, services: { SSH: 0 } });
    expect(await roundTrip(third.port('SSH'), 'third source')).toBe('third source');
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
