// The ceiling of GetBot (BARE_API=chime) and DescribeTunnel (BARE_API=iotsecuretunneling): a bare
// Fastify handler that checks the SigV4 signature with the apps' verifier, validates the input as
// the contract requires (DescribeTunnel's body with validateInput and the same DTO; GetBot's path
// segments against the model's NonEmptyString pattern), does the app's read (the raw driver's findOne with
// the repository's filter; for a bot, together with the findOne of its live account: a bot of an
// account DeleteAccount has marked is not found) and answers the operation's shape (a bot's
// security token decrypted as the bots app does). No framework, throttling, logs or metrics.
// Started by sections/bots.ts and tunnels.ts on PORT, on the ceiling's copy of the app's
// documents (MONGO_URI).
import 'reflect-metadata';
import { validateInput } from '@rekey/aws-protocol';
import { CHIME_NON_EMPTY, DescribeTunnelRequest } from '@rekey/contracts';
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
  const accounts = db.collection<Doc>('accounts');
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
      if (!CHIME_NON_EMPTY.test(accountId) || !CHIME_NON_EMPTY.test(botId)) throw new Error('invalid path');
      const [account, bot] = await Promise.all([
        accounts.findOne({ _id: accountId, tenant: TENANT, ...NOT_DELETED, deletingAt: { $exists: false } }, { projection: { _id: 1 } }),
        bots.findOne({ _id: botId, tenant: TENANT, accountId, ...NOT_DELETED }),
      ]);
      found(account);
      return botView(found(bot));
    });
    server.post<{ Body: { tunnelId: string } }>('/', async (request, reply) => {
      await verify(request);
      void reply.header('content-type', 'application/x-amz-json-1.1');
      const { tunnelId } = validateInput(DescribeTunnelRequest, request.body);
      return tunnelView(found(await tunnels.findOne({ _id: tunnelId, tenant: TENANT, state: { $in: ['OPEN', 'CLOSED'] }, ...NOT_DELETED })));
    });
  });
}

void main();
