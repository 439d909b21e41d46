import { EVENT_TYPES } from '@rekey/contracts';
import { newEvent } from '@rekey/events';
import { closedLoop, hammer } from '../lib/measure';
import { startApp } from '../lib/processes';
import { againstCeiling, floorRow, Row } from '../lib/report';
import { Call, RequestSigner } from '../lib/signed-requests';
import { bareCeilings } from './ceilings';
import { BenchContext, copyCollection, database, outboxDrained, ownedBy, TENANT } from './context';
import { eventLatencyRows } from './events';
import { liveRows } from './platform';

const BOTS = 64;

/**
 * RegenerateSecurityToken and GetBot against their bare ceilings (the same SigV4 check and the
 * minimal correct rotation / the same read) and the raw driver's same single operation (the floor);
 * the app's /health/live against bare NestJS; then rotation → TokenRotated latency on one and two replicas.
 */
export async function botsRows(context: BenchContext): Promise<Row[]> {
  const db = database(context, 'bots');
  const app = await startApp('bots', context.infra, db);
  try {
    const signer = new RequestSigner(app.url, 'chime');
    const { Account } = await signer.expect<{ Account: { AccountId: string } }>({ method: 'POST', path: '/accounts', body: JSON.stringify({ Name: 'bench' }) });
    const accountId = Account.AccountId;
    const botIds: string[] = [];
    for (let i = 0; i < BOTS; i += 1) {
      const { Bot } = await signer.expect<{ Bot: { BotId: string } }>({ method: 'POST', path: `/accounts/${accountId}/bots`, body: JSON.stringify({ DisplayName: `bench${i}` }) });
      botIds.push(Bot.BotId);
    }
    const rotationCalls: Call[] = botIds.map((botId) => ({ method: 'POST', path: `/accounts/${accountId}/bots/${botId}`, query: { operation: 'regenerate-security-token' } }));
    const getCalls: Call[] = botIds.map((botId) => ({ method: 'GET', path: `/accounts/${accountId}/bots/${botId}` }));
    // The probe before the load rows (the setup's API calls above have run the per-request chain,
    // request logger and AsyncLocalStorage included): the rows leave work behind in the app.
    const live = await liveRows(app);
    // The read first, as its ceiling runs first: a rotation row leaves work behind (the relay
    // clearing outboxes, this replica consuming its own TokenRotated) that would land on the read's.
    const getRun = await hammer(app.url, await signer.signAll(getCalls));
    const rotateRun = await hammer(app.url, await signer.signAll(rotationCalls));

    // Ceilings: the same documents, copied once the relay emptied their outboxes, on the same server.
    await outboxDrained(context, db, 'bots');
    const bare = await bareCeilings(context, { api: 'chime', from: db, collection: 'bots', alsoRead: ['accounts'], reads: getCalls, rotations: rotationCalls });
    const ceilingDb = database(context, 'bots_ceiling');
    await copyCollection(context, db, ceilingDb, 'bots');
    const bots = context.mongo.db(ceilingDb).collection<{ _id: string; revision: number; generation: number; securityToken: object }>('bots');
    const docs = await bots.find({}).toArray();
    const revisions = new Map(docs.map((doc) => [doc._id, { revision: doc.revision, generation: doc.generation }]));
    const securityToken = docs[0].securityToken;
    const event = newEvent('bots', { type: EVENT_TYPES.bots.TokenRotated, subject: `/accounts/${accountId}/bots/${botIds[0]}`, tenant: TENANT, key: botIds[0], data: { tenant: TENANT, resourceType: 'bot', resourceId: botIds[0], generation: 2 } });
    const liveFilter = { tenant: TENANT, accountId, _deletedAt: { $exists: false } };
    const rotateFloor = await closedLoop(async (worker, i) => {
      const id = ownedBy(botIds, worker, i);
      const state = revisions.get(id)!;
      const written = await bots.findOneAndUpdate(
        { _id: id, ...liveFilter, revision: state.revision },
        { $set: { securityToken, generation: state.generation + 1, updatedAt: new Date(), revision: state.revision + 1, _outboxPending: true, _outbox: [event] } },
        { returnDocument: 'after' },
      );
      if (!written) return false;
      revisions.set(id, { revision: state.revision + 1, generation: state.generation + 1 });
      return true;
    });
    const getFloor = await closedLoop(async (worker, i) => (await bots.findOne({ _id: ownedBy(botIds, worker, i), ...liveFilter })) !== null);

    const events = await eventLatencyRows(context, {
      label: 'RegenerateSecurityToken',
      topic: 'rekey.bots.v1',
      app,
      appName: 'bots',
      database: db,
      signing: 'chime',
      calls: rotationCalls,
      fingerprintOf: (body) => [String(body.Bot?.SecurityToken)],
    });
    return [
      ...live,
      ...againstCeiling('RegenerateSecurityToken (bots app)', rotateRun, 'minimal correct rotation: bare Fastify, same SigV4 check, one write with its outbox entry, Kafka acks=all before answering', bare.rotation, '≥ 0.6'),
      floorRow('raw driver findOneAndUpdate, same filter and write', rotateFloor, rotateRun),
      ...againstCeiling('GetBot (bots app)', getRun, 'bare Fastify, same SigV4 check, findOne of the bot and of its live account together', bare.read, '≥ 0.6'),
      floorRow('raw driver findOne, same filter', getFloor, getRun),
      ...events,
    ];
  } finally {
    await app.stop();
  }
}
