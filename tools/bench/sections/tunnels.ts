import { EVENT_TYPES } from '@rekey/contracts';
import { newEvent } from '@rekey/events';
import { sha256Hex } from '@rekey/tokens';
import { closedLoop, hammer } from '../lib/measure';
import { startApp } from '../lib/processes';
import { againstCeiling, floorRow, Row } from '../lib/report';
import { Call, RequestSigner } from '../lib/signed-requests';
import { bareCeilings } from './ceilings';
import { BenchContext, copyCollection, database, outboxDrained, ownedBy, TENANT } from './context';
import { eventLatencyRows } from './events';
import { liveRows } from './platform';

const TUNNELS = 64;

const operation = (name: string, body: object): Call => ({
  method: 'POST',
  path: '/',
  headers: { 'x-amz-target': `IoTSecuredTunneling.${name}`, 'content-type': 'application/x-amz-json-1.1' },
  body: JSON.stringify(body),
});

/** RotateTunnelAccessToken and DescribeTunnel against their bare ceilings and the raw driver's same operation (the floor), /health/live against bare NestJS, then rotation → TokenRotated latency on one and two replicas. */
export async function tunnelsRows(context: BenchContext): Promise<Row[]> {
  const db = database(context, 'tunnels');
  const app = await startApp('tunnels', context.infra, db);
  try {
    const signer = new RequestSigner(app.url, 'IoTSecuredTunneling');
    const tunnelIds: string[] = [];
    for (let i = 0; i < TUNNELS; i += 1) {
      const opened = await signer.expect<{ tunnelId: string }>(
        operation('OpenTunnel', { destinationConfig: { thingName: `bench-thing-${i}`, services: ['SSH'] }, timeoutConfig: { maxLifetimeTimeoutMinutes: 720 } }),
      );
      tunnelIds.push(opened.tunnelId);
    }
    const rotationCalls = tunnelIds.map((tunnelId) => operation('RotateTunnelAccessToken', { tunnelId, clientMode: 'ALL' }));
    const describeCalls = tunnelIds.map((tunnelId) => operation('DescribeTunnel', { tunnelId }));
    // The probe before the load rows (the setup's API calls above have run the per-request chain,
    // request logger and AsyncLocalStorage included): the rows leave work behind in the app.
    const live = await liveRows(app);
    // The read first, as its ceiling runs first: a rotation row leaves work behind (the relay clearing outboxes) that would land on the read's.
    const describeRun = await hammer(app.url, await signer.signAll(describeCalls));
    const rotateRun = await hammer(app.url, await signer.signAll(rotationCalls));

    await outboxDrained(context, db, 'tunnels');
    const bare = await bareCeilings(context, { api: 'iotsecuretunneling', from: db, collection: 'tunnels', reads: describeCalls, rotations: rotationCalls });
    const ceilingDb = database(context, 'tunnels_ceiling');
    await copyCollection(context, db, ceilingDb, 'tunnels');
    const tunnels = context.mongo.db(ceilingDb).collection<{ _id: string; generation: number }>('tunnels');
    const generations = new Map((await tunnels.find({}).toArray()).map((doc) => [doc._id, doc.generation]));
    const event = newEvent('tunnels', { type: EVENT_TYPES.tunnels.TokenRotated, subject: tunnelIds[0], tenant: TENANT, key: tunnelIds[0], data: { tenant: TENANT, resourceType: 'tunnel', resourceId: tunnelIds[0], generation: 2 } });
    const hash = sha256Hex('bench');
    // The app's rotation write is a findOneAndUpdate conditional on the generation read, returning
    // only the id and outbox fields (tunnels.repository.ts, OutboxFastPath): the same here.
    const rotateFloor = await closedLoop(async (worker, i) => {
      const id = ownedBy(tunnelIds, worker, i);
      const generation = generations.get(id)!;
      const now = new Date();
      const written = await tunnels.findOneAndUpdate(
        { _id: id, tenant: TENANT, state: 'OPEN', expiresAt: { $gt: now }, generation, _deletedAt: { $exists: false } },
        { $set: { sourceTokenHash: hash, destinationTokenHash: hash, generation: generation + 1, lastUpdatedAt: now, _outboxPending: true, _outbox: [event] } },
        { returnDocument: 'after', projection: { _id: 1, _outbox: 1, _outboxClaimedBy: 1, _deletedAt: 1 } },
      );
      generations.set(id, generation + 1);
      return written !== null;
    });
    const describeFloor = await closedLoop(
      async (worker, i) => (await tunnels.findOne({ _id: ownedBy(tunnelIds, worker, i), tenant: TENANT, state: { $in: ['OPEN', 'CLOSED'] }, _deletedAt: { $exists: false } })) !== null,
    );

    const events = await eventLatencyRows(context, {
      label: 'RotateTunnelAccessToken',
      topic: 'rekey.tunnels.v1',
      app,
      appName: 'tunnels',
      database: db,
      signing: 'IoTSecuredTunneling',
      calls: rotationCalls,
      fingerprintOf: (body) => [String(body.sourceAccessToken)],
    });
    return [
      ...live,
      ...againstCeiling('RotateTunnelAccessToken (tunnels app)', rotateRun, 'minimal correct rotation: bare Fastify, same SigV4 check, one write with its outbox entry, Kafka acks=all before answering', bare.rotation, '≥ 0.6'),
      floorRow('raw driver findOneAndUpdate, same filter and write', rotateFloor, rotateRun),
      ...againstCeiling('DescribeTunnel (tunnels app)', describeRun, 'bare Fastify, same SigV4 check and findOne', bare.read, '≥ 0.6'),
      floorRow('raw driver findOne, same filter', describeFloor, describeRun),
      ...events,
    ];
  } finally {
    await app.stop();
  }
}
