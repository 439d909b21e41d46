// The ceiling of GetBot (BARE_API=chime) and DescribeTunnel (BARE_API=iotsecuretunneling): a bare
// Fastify handler that checks the SigV4 signature with the apps' verifier, does the app's read
// (the raw driver's findOne with the repository's filter) and answers the operation's shape (a
// bot's security token decrypted as the bots app does). No framework, validation, throttling, logs
// or metrics. Started by sections/bots.ts and tunnels.ts on PORT, on the ceiling's copy of the
// app's documents (MONGO_URI).
import 'reflect-metadata';
import { NOT_DELETED, StringIdDocument } from '@rekey/events';
import { Keyring } from '@rekey/tokens';
import { MongoClient } from 'mongodb';
import { botTokenAssociatedData, serveBare, sigV4, TENANT } from './lib/bare-server';

type Doc = StringIdDocument;

const keyring = Keyring.dev();
const seconds = (date: unknown) => (date as Date).getTime() / 1000;

function botView(doc: Doc) {
  const { ciphertext } = doc.securityToken as { ciphertext: string };
  return {
    Bot: {
      BotId: doc._id,
      UserId: doc.userId,
      DisplayName: doc.displayName,
      BotType: 'ChatBot',
      Disabled: doc.disabled,
      CreatedTimestamp: (doc.createdAt as Date).toISOString(),
      UpdatedTimestamp: (doc.updatedAt as Date).toISOString(),
      BotEmail: doc.botEmail,
      SecurityToken: keyring.decrypt(ciphertext, botTokenAssociatedData(doc.accountId as string, doc._id)),
    },
  };
}

function tunnelView(doc: Doc) {
  const connection = (state: unknown) => ({ status: (state as { status: string }).status, lastUpdatedAt: seconds((state as { lastUpdatedAt: Date }).lastUpdatedAt) });
  return {
    tunnel: {
      tunnelId: doc._id,
      tunnelArn: doc.arn,
      status: doc.state,
      description: doc.description,
      createdAt: seconds(doc.createdAt),
      lastUpdatedAt: seconds(doc.lastUpdatedAt),
      sourceConnectionState: connection(doc.sourceConnectionState),
      destinationConnectionState: connection(doc.destinationConnectionState),
      destinationConfig: doc.destinationConfig,
      timeoutConfig: { maxLifetimeTimeoutMinutes: doc.lifetimeMinutes },
    },
  };
}

async function main(): Promise<void> {
  const api = process.env.BARE_API as 'chime' | 'iotsecuretunneling';
  const db = (await MongoClient.connect(process.env.MONGO_URI!)).db();
  const bots = db.collection<Doc>('bots');
  const tunnels = db.collection<Doc>('tunnels');
  const found = (doc: Doc | null) => {
    if (!doc) throw new Error('not found');
    return doc;
  };
  serveBare((server) => {
    const verify = sigV4(server, api);
    server.get<{ Params: { accountId: string; botId: string } }>('/accounts/:accountId/bots/:botId', async (request) => {
      await verify(request);
      const { accountId, botId } = request.params;
      return botView(found(await bots.findOne({ _id: botId, tenant: TENANT, accountId, ...NOT_DELETED })));
    });
    server.post<{ Body: { tunnelId: string } }>('/', async (request, reply) => {
      await verify(request);
      void reply.header('content-type', 'application/x-amz-json-1.1');
      return tunnelView(found(await tunnels.findOne({ _id: request.body.tunnelId, tenant: TENANT, state: { $in: ['OPEN', 'CLOSED'] }, ...NOT_DELETED })));
    });
  });
}

void main();
