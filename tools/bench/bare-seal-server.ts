// CreateChatToken's ceiling: a bare Fastify handler doing what the chat app must do for it by
// contract, and nothing else: the apps' SigV4 check, the request validated once (validateInput,
// the same DTO), the room's existence from memory (the rooms read once at start from the app's
// database, MONGO_URI, as the app's room cache holds them), the same sealing (sealChatToken, dev
// keyring), and ChatTokenCreated (the same event, never the token) produced with acks=all to
// BARE_TOPIC before answering (docs/chat.md). No framework, throttling, logs or metrics. Started by
// sections/chat.ts in its own process, on PORT.
import 'reflect-metadata';
import { validateInput } from '@rekey/aws-protocol';
import { CreateChatTokenRequest, EVENT_TYPES, fingerprint } from '@rekey/contracts';
import { newEvent, NOT_DELETED, toKafkaMessage } from '@rekey/events';
import { chatTokenClaims, Keyring, sealChatToken } from '@rekey/tokens';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { serveBare, sigV4 } from './lib/bare-server';

const keyring = Keyring.dev();

async function main(): Promise<void> {
  const topic = process.env.BARE_TOPIC!;
  const mongo = await MongoClient.connect(process.env.MONGO_URI!);
  // ARN → tenant, as the app's room cache holds them.
  const rooms = new Map<string, string>();
  for (const room of await mongo.db().collection<{ _id: string; tenant: string }>('rooms').find({ ...NOT_DELETED }, { projection: { tenant: 1 } }).toArray()) rooms.set(room._id, room.tenant);
  await mongo.close();
  const producer = new Kafka({ clientId: 'rekey-bench-ceiling', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).producer();
  await producer.connect();

  serveBare((server) => {
    const verify = sigV4(server, 'ivschat');
    server.post('/CreateChatToken', async (request) => {
      const tenant = await verify(request);
      const input = validateInput(CreateChatTokenRequest, request.body);
      if (rooms.get(input.roomIdentifier) !== tenant) throw new Error(`no such room ${input.roomIdentifier}`);
      const claims = chatTokenClaims(tenant, input);
      const token = sealChatToken(keyring, claims);
      const { roomArn, userId, capabilities, sessionExpirationTime, tokenExpirationTime } = claims;
      const event = newEvent('chat', {
        type: EVENT_TYPES.chat.ChatTokenCreated,
        subject: roomArn,
        tenant,
        key: roomArn,
        data: { tenant, roomArn, userId, capabilities, sessionExpirationTime, tokenExpirationTime, fingerprint: fingerprint(token) },
      });
      await producer.send({ topic, acks: -1, messages: [toKafkaMessage(event)] });
      return { token, tokenExpirationTime, sessionExpirationTime };
    });
  });
}

void main();
