// The ceiling of RegenerateSecurityToken (BARE_API=chime) and RotateTunnelAccessToken
// (BARE_API=iotsecuretunneling): a minimal correct rotation. A bare Fastify handler that checks
// the SigV4 signature with the apps' verifier, does the app's single write (the new token's
// verifier or ciphertext, the generation and the event appended to the document's outbox, under
// the app's filter and a claim, as OutboxFastPath writes it), produces the event with acks=all and
// only then answers; the outbox entry is cleared after the answer. One round trip to MongoDB and
// one to Kafka per rotation: the generation a write is conditional on comes from memory (this
// process is the only writer; a stale one misses and is read again). No framework, validation,
// throttling, logs or metrics. Started by sections/bots.ts and tunnels.ts on PORT, on the
// ceiling's copy of the app's documents (MONGO_URI), producing to BARE_TOPIC.
import 'reflect-metadata';
import { DESTINATION_TOKEN_SEAL_PURPOSE, EVENT_TYPES, fingerprint } from '@rekey/contracts';
import { newEvent, NOT_DELETED, StringIdDocument, OUTBOX, outboxHasRoom, recordEvents, RekeyEvent, toKafkaMessage, UNCLAIM } from '@rekey/events';
import { generateToken, Keyring, sha256Hex } from '@rekey/tokens';
import { Kafka, logLevel } from 'kafkajs';
import { Collection, MongoClient, UpdateFilter } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { botTokenAssociatedData, serveBare, sigV4, TENANT } from './lib/bare-server';

type Doc = StringIdDocument;

/** What one API's rotation writes and answers, given the document as last known here. */
interface RotationOf {
  collection: string;
  /** The app's filter of the write, conditional on the generation known. */
  filter(doc: Doc, now: Date): Record<string, unknown>;
  /** The fields set, the event recorded and the answer, for the next generation. */
  rotate(doc: Doc, now: Date): { set: Record<string, unknown>; event: RekeyEvent; answer: object };
}

const keyring = Keyring.dev();

const ROTATIONS: Record<string, RotationOf> = {
  chime: {
    collection: 'bots',
    filter: (doc) => ({ _id: doc._id, tenant: TENANT, accountId: doc.accountId, ...NOT_DELETED, revision: doc.revision }),
    rotate(doc, now) {
      const token = generateToken(30);
      const generation = (doc.generation as number) + 1;
      const securityToken = { ciphertext: keyring.encrypt(token, botTokenAssociatedData(doc.accountId as string, doc._id)), keyId: keyring.currentKeyId };
      const event = newEvent('bots', {
        type: EVENT_TYPES.bots.TokenRotated,
        subject: `/accounts/${doc.accountId}/bots/${doc._id}`,
        tenant: TENANT,
        key: doc._id,
        data: { tenant: TENANT, resourceType: 'bot', resourceId: doc._id, resourceArn: null, chimeAccountId: doc.accountId, generation, tokens: [{ kind: 'SecurityToken', fingerprint: fingerprint(token), expiresAt: null }], rotatedAt: now.toISOString() },
      });
      const bot = { BotId: doc._id, UserId: doc.userId, DisplayName: doc.displayName, BotType: 'ChatBot', Disabled: doc.disabled, CreatedTimestamp: (doc.createdAt as Date).toISOString(), UpdatedTimestamp: now.toISOString(), BotEmail: doc.botEmail, SecurityToken: token };
      return { set: { securityToken, generation, updatedAt: now, revision: (doc.revision as number) + 1 }, event, answer: { Bot: bot } };
    },
  },
  iotsecuretunneling: {
    collection: 'tunnels',
    filter: (doc, now) => ({ _id: doc._id, tenant: TENANT, state: 'OPEN', expiresAt: { $gt: now }, generation: doc.generation, ...NOT_DELETED }),
    rotate(doc, now) {
      const [source, destination] = [generateToken(), generateToken()];
      const generation = (doc.generation as number) + 1;
      const thingName = (doc.destinationConfig as { thingName?: string } | undefined)?.thingName;
      const expiresAt = (doc.expiresAt as Date).toISOString();
      const token = (kind: string, value: string) => ({ kind, fingerprint: fingerprint(value), verifier: sha256Hex(value), expiresAt });
      const event = newEvent('tunnels', {
        type: EVENT_TYPES.tunnels.TokenRotated,
        subject: doc.arn as string,
        tenant: TENANT,
        key: doc._id,
        data: {
          tenant: TENANT,
          resourceType: 'tunnel',
          resourceId: doc._id,
          resourceArn: doc.arn,
          clientMode: 'ALL',
          ...(thingName !== undefined && { thingName }),
          generation,
          tokens: [token('SourceAccessToken', source), token('DestinationAccessToken', destination)],
          rotatedAt: now.toISOString(),
          ...(thingName !== undefined && { sealedDestinationAccessToken: keyring.seal({ tunnelId: doc._id, destinationAccessToken: destination }, DESTINATION_TOKEN_SEAL_PURPOSE) }),
        },
      });
      const set = { sourceTokenHash: sha256Hex(source), destinationTokenHash: sha256Hex(destination), generation, lastUpdatedAt: now };
      return { set, event, answer: { tunnelArn: doc.arn, sourceAccessToken: source, destinationAccessToken: destination } };
    },
  },
};

async function main(): Promise<void> {
  const api = process.env.BARE_API as 'chime' | 'iotsecuretunneling';
  const rotation = ROTATIONS[api];
  const topic = process.env.BARE_TOPIC!;
  const mongo = await MongoClient.connect(process.env.MONGO_URI!);
  const documents: Collection<Doc> = mongo.db().collection<Doc>(rotation.collection);
  const producer = new Kafka({ clientId: 'rekey-bench-ceiling', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  const known = new Map<string, Doc>();

  /** One conditional write recording the event; on a miss (stale generation), the document is read again, once. */
  async function write(id: string): Promise<{ event: RekeyEvent; answer: object; claim: string } | undefined> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const doc = (attempt === 0 && known.get(id)) || (await documents.findOne({ _id: id }, { projection: { [OUTBOX.events]: 0 } }));
      if (!doc) return undefined;
      const now = new Date();
      const { set, event, answer } = rotation.rotate(doc, now);
      const claim = randomUUID();
      const update = recordEvents({ $set: { ...set, [OUTBOX.claimedBy]: claim, [OUTBOX.claimUntil]: new Date(now.getTime() + 10_000) } }, event);
      const written = await documents.updateOne({ ...rotation.filter(doc, now), ...outboxHasRoom() }, update as UpdateFilter<Doc>);
      if (written.matchedCount === 1) {
        known.set(id, { ...doc, ...set });
        return { event, answer, claim };
      }
    }
    return undefined;
  }

  serveBare((server) => {
    const verify = sigV4(server, api);
    const rotate = async (id: string) => {
      const rotated = await write(id);
      if (!rotated) throw new Error(`no such ${rotation.collection} document ${id}`);
      await producer.send({ topic, acks: -1, messages: [toKafkaMessage(rotated.event)] });
      // After the answer: the event is in Kafka; left in the outbox, the relay would only send it again.
      setImmediate(() => void documents.updateOne({ _id: id, [OUTBOX.claimedBy]: rotated.claim }, { $pull: { [OUTBOX.events]: { id: rotated.event.id } } as never, ...UNCLAIM }));
      return rotated.answer;
    };
    server.post<{ Params: { botId: string } }>('/accounts/:accountId/bots/:botId', async (request) => {
      await verify(request);
      return rotate(request.params.botId);
    });
    server.post<{ Body: { tunnelId: string } }>('/', async (request, reply) => {
      await verify(request);
      void reply.header('content-type', 'application/x-amz-json-1.1');
      return rotate(request.body.tunnelId);
    });
  });
}

void main();
