import { EVENT_TYPES } from '@rekey/contracts';
import { newEvent } from '@rekey/events';
import { closedLoop, hammer } from '../lib/measure';
import { startApp } from '../lib/processes';
import { againstCeiling, Row } from '../lib/report';
import { RequestSigner } from '../lib/signed-requests';
import { BenchContext, copyCollection, database, outboxDrained, ownedBy, TENANT } from './context';
import { eventLatencyRows } from './events';

const BOTS = 64;

/** RegenerateSecurityToken and GetBot against the raw driver's same single operation, then rotation → TokenRotated latency. */
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
    const rotate = (botId: string) => ({ method: 'POST' as const, path: `/accounts/${accountId}/bots/${botId}`, query: { operation: 'regenerate-security-token' } });
    const rotations = await signer.signAll(botIds.map(rotate));
    const gets = await signer.signAll(botIds.map((botId) => ({ method: 'GET' as const, path: `/accounts/${accountId}/bots/${botId}` })));
    const rotateRun = await hammer(app.url, rotations);
    const getRun = await hammer(app.url, gets);

    // Ceilings: the same documents, copied once the relay emptied their outboxes, on the same server.
    await outboxDrained(context, db, 'bots');
    const ceilingDb = database(context, 'bots_ceiling');
    await copyCollection(context, db, ceilingDb, 'bots');
    const bots = context.mongo.db(ceilingDb).collection<{ _id: string; revision: number; generation: number; securityToken: object }>('bots');
    const docs = await bots.find({}).toArray();
    const revisions = new Map(docs.map((doc) => [doc._id, { revision: doc.revision, generation: doc.generation }]));
    const securityToken = docs[0].securityToken;
    const event = newEvent('bots', { type: EVENT_TYPES.bots.TokenRotated, subject: `/accounts/${accountId}/bots/${botIds[0]}`, tenant: TENANT, key: botIds[0], data: { tenant: TENANT, resourceType: 'bot', resourceId: botIds[0], generation: 2 } });
    const live = { tenant: TENANT, accountId, _deletedAt: { $exists: false } };
    const rotateCeiling = await closedLoop(async (worker, i) => {
      const id = ownedBy(botIds, worker, i);
      const state = revisions.get(id)!;
      const written = await bots.findOneAndUpdate(
        { _id: id, ...live, revision: state.revision },
        { $set: { securityToken, generation: state.generation + 1, updatedAt: new Date(), revision: state.revision + 1, _outboxPending: true, _outbox: [event] } },
        { returnDocument: 'after' },
      );
      if (!written) return false;
      revisions.set(id, { revision: state.revision + 1, generation: state.generation + 1 });
      return true;
    });
    const getCeiling = await closedLoop(async (worker, i) => (await bots.findOne({ _id: ownedBy(botIds, worker, i), ...live })) !== null);

    const events = await eventLatencyRows(context, {
      label: 'RegenerateSecurityToken',
      topic: 'rekey.bots.v1',
      url: app.url,
      pool: rotations,
      fingerprintOf: (body) => [String(body.Bot?.SecurityToken)],
    });
    return [
      ...againstCeiling('RegenerateSecurityToken (bots app)', rotateRun, 'raw driver findOneAndUpdate, same filter and write', rotateCeiling, '≥ 0.7'),
      ...againstCeiling('GetBot (bots app)', getRun, 'raw driver findOne, same filter', getCeiling),
      ...events,
    ];
  } finally {
    await app.stop();
  }
}
