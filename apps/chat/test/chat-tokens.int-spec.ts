import { Ivschat, ResourceNotFoundException, ValidationException } from '@aws-sdk/client-ivschat';
import { getConnectionToken } from '@nestjs/mongoose';
import { fingerprint, TOPICS } from '@rekey/contracts';
import { awsClientConfig, eventually, scrapeMetric, startTestApp, TestApp, TopicTail } from '@rekey/testing';
import { Keyring, KEYRING, openChatToken } from '@rekey/tokens';
import type { Connection } from 'mongoose';
import { ChatAppModule } from '../src/app.module';
import { RoomCache } from '../src/rooms/room-cache';
import { failureOf } from './chat-test-kit';

async function issuedCount(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('rekey_tokens_total{') && l.includes('kind="ChatToken"') && l.includes('action="issued"'));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('CreateChatToken through @aws-sdk/client-ivschat, on two replicas sharing one database', () => {
  let one: TestApp;
  let two: TestApp;
  let a1: Ivschat;
  let a2: Ivschat;
  let b1: Ivschat;
  let keyring: Keyring;
  let db: Connection;
  let topic: TopicTail;

  beforeAll(async () => {
    topic = await TopicTail.start(TOPICS.chat);
    one = await startTestApp('chat', (config) => ChatAppModule.register(config));
    two = await startTestApp('chat', (config) => ChatAppModule.register(config), { MONGO_URI: one.config.mongoUri });
    a1 = new Ivschat(awsClientConfig(one.url, 'A'));
    a2 = new Ivschat(awsClientConfig(two.url, 'A'));
    b1 = new Ivschat(awsClientConfig(one.url, 'B'));
    keyring = one.nest.get<Keyring>(KEYRING);
    db = one.nest.get<Connection>(getConnectionToken());
    // Both replicas follow room events, so that what the second one refuses it learnt from Kafka.
    for (const app of [one, two]) await eventually(() => (app.nest.get(RoomCache).isFollowing ? true : undefined), 30_000, 'the room cache to follow');
  }, 60_000);
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
    await topic?.stop();
  });

  it('issues a sealed token that openChatToken opens to the request\'s grant, with its times', async () => {
    const room = await a1.createRoom({});
    const before = Date.now();
    const answer = await a1.createChatToken({
      roomIdentifier: room.arn,
      userId: 'ünïcode user 1',
      capabilities: ['SEND_MESSAGE', 'DELETE_MESSAGE'],
      attributes: { displayName: 'Ann', color: 'teal' },
      sessionDurationInMinutes: 180,
    });
    const after = Date.now();
    const claims = openChatToken(keyring, answer.token!);
    expect(claims).toMatchObject({
      tenant: '111111111111',
      roomArn: room.arn,
      userId: 'ünïcode user 1',
      capabilities: ['SEND_MESSAGE', 'DELETE_MESSAGE'],
      attributes: { displayName: 'Ann', color: 'teal' },
    });
    expect(answer.sessionExpirationTime!.toISOString()).toBe(claims.sessionExpirationTime);
    expect(answer.tokenExpirationTime!.toISOString()).toBe(claims.tokenExpirationTime);
    const session = answer.sessionExpirationTime!.getTime();
    expect(session).toBeGreaterThanOrEqual(before + 180 * 60_000);
    expect(session).toBeLessThanOrEqual(after + 180 * 60_000);
    expect(answer.tokenExpirationTime!.getTime() - Date.parse(claims.issuedAt)).toBe(60 * 60_000);
    // Sealed under the replicas' shared keyring: the other replica's keyring opens it too.
    expect(openChatToken(two.nest.get<Keyring>(KEYRING), answer.token!).userId).toBe('ünïcode user 1');
  });

  it('uses the model defaults: a 60-minute session, no capabilities; the token lives no longer than its session', async () => {
    const room = await a1.createRoom({});
    const answer = await a1.createChatToken({ roomIdentifier: room.arn, userId: 'u' });
    const claims = openChatToken(keyring, answer.token!);
    expect(claims.capabilities).toEqual([]);
    expect(claims.attributes).toEqual({});
    expect(Date.parse(claims.sessionExpirationTime) - Date.parse(claims.issuedAt)).toBe(60 * 60_000);
    const short = await a1.createChatToken({ roomIdentifier: room.arn, userId: 'u', sessionDurationInMinutes: 1 });
    expect(short.tokenExpirationTime!.getTime()).toBe(short.sessionExpirationTime!.getTime());
  });

  it('publishes ChatTokenCreated, acked by Kafka, with the fingerprint and never the token; nothing is written per token', async () => {
    const room = await a1.createRoom({});
    const counted = await issuedCount(one.url);
    const answer = await a1.createChatToken({ roomIdentifier: room.arn, userId: 'fp-user', capabilities: ['DISCONNECT_USER'] });
    expect(await issuedCount(one.url)).toBe(counted + 1);
    const event = await topic.find('rekey.chat.ChatTokenCreated', room.arn!);
    expect(event.key).toBe(room.arn);
    expect(event.headers).toMatchObject({ ce_specversion: '1.0', ce_source: '/rekey/chat', ce_tenant: '111111111111', ce_subject: room.arn });
    expect(event.data).toEqual({
      tenant: '111111111111',
      roomArn: room.arn,
      userId: 'fp-user',
      capabilities: ['DISCONNECT_USER'],
      sessionExpirationTime: answer.sessionExpirationTime!.toISOString(),
      tokenExpirationTime: answer.tokenExpirationTime!.toISOString(),
      fingerprint: fingerprint(answer.token!),
    });
    expect(JSON.stringify(event)).not.toContain(answer.token!.split('.')[3]);
    expect(await db.collection('pending_events').countDocuments()).toBe(0);
  });

  it.each([
    ['sessionDurationInMinutes 181', { userId: 'u', sessionDurationInMinutes: 181 }, 'sessionDurationInMinutes'],
    ['sessionDurationInMinutes 0', { userId: 'u', sessionDurationInMinutes: 0 }, 'sessionDurationInMinutes'],
    ['attributes over 1 KB', { userId: 'u', attributes: { a: 'x'.repeat(600), b: 'y'.repeat(500) } }, 'attributes'],
    ['an unknown capability', { userId: 'u', capabilities: ['SEND_MESSAGE', 'BAN_EVERYONE'] }, 'capabilities'],
    ['no userId', {}, 'userId'],
    ['an empty userId', { userId: '' }, 'userId'],
    ['a userId of 129 characters', { userId: 'é'.repeat(129) }, 'userId'],
  ])('refuses %s as a ValidationException with reason and fieldList', async (_, input, field) => {
    const room = await a1.createRoom({});
    const error = await failureOf(a1.createChatToken({ roomIdentifier: room.arn, ...input } as never));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.reason).toBe('FIELD_VALIDATION_FAILED');
    expect(error.fieldList).toEqual(expect.arrayContaining([{ name: field, message: expect.stringContaining(field) }]));
  });

  it('accepts attributes of exactly 1 KB and a userId of 128 characters', async () => {
    const room = await a1.createRoom({});
    const answer = await a1.createChatToken({ roomIdentifier: room.arn, userId: 'é'.repeat(128), attributes: { a: 'x'.repeat(1023) } });
    expect(openChatToken(keyring, answer.token!).attributes.a).toHaveLength(1023);
  });

  it('answers ResourceNotFoundException for an unknown room and for another tenant\'s room', async () => {
    const room = await a1.createRoom({});
    const unknown = `arn:aws:ivschat:us-east-1:111111111111:room/Unknown12345`;
    expect(await failureOf(a1.createChatToken({ roomIdentifier: unknown, userId: 'u' }))).toMatchObject({ name: 'ResourceNotFoundException', resourceId: 'Unknown12345', resourceType: 'ROOM' });
    const foreign = await failureOf(b1.createChatToken({ roomIdentifier: room.arn, userId: 'u' }));
    expect(foreign).toBeInstanceOf(ResourceNotFoundException);
    expect(foreign).toMatchObject({ resourceId: room.id, resourceType: 'ROOM' });
  });

  it('issues tokens on a replica for a room another replica just created', async () => {
    const room = await a1.createRoom({});
    const answer = await a2.createChatToken({ roomIdentifier: room.arn, userId: 'u' });
    expect(openChatToken(keyring, answer.token!).roomArn).toBe(room.arn);
  });

  it('stops issuing tokens for a deleted room within a second on every replica', async () => {
    const room = await a1.createRoom({});
    // Both replicas know the room (so the second one refuses from its cache, not from a lookup).
    await a1.createChatToken({ roomIdentifier: room.arn, userId: 'u' });
    await a2.createChatToken({ roomIdentifier: room.arn, userId: 'u' });
    await a1.deleteRoom({ identifier: room.arn });
    const deletedAt = Date.now();
    expect((await failureOf(a1.createChatToken({ roomIdentifier: room.arn, userId: 'u' }))).name).toBe('ResourceNotFoundException');
    await eventually(
      async () => {
        try {
          await a2.createChatToken({ roomIdentifier: room.arn, userId: 'u' });
          return undefined;
        } catch (error) {
          return (error as Error).name;
        }
      },
      1_000,
      'the second replica to refuse',
    ).then((name) => expect(name).toBe('ResourceNotFoundException'));
    expect(Date.now() - deletedAt).toBeLessThan(1_000);
  });

  it('reports the room cache\'s consumer lag in /metrics, back to 0 once a room event is handled', async () => {
    await a1.createRoom({});
    const lagOfCache = () => scrapeMetric(two.url, 'rekey_consumer_lag_messages', { group: 'rekey-chat-room-cache', topic: TOPICS.chat });
    const text = await eventually(async () => {
      const scraped = await (await fetch(`${two.url}/metrics`)).text();
      return scraped.includes('rekey_consumer_lag_messages{') && scraped.includes('group="rekey-chat-room-cache"') ? scraped : undefined;
    }, 10_000, 'the lag of the room cache');
    expect(text).toMatch(/^rekey_consumer_lag_messages\{[^}]*group="rekey-chat-room-cache"[^}]*\} \d+$/m);
    await eventually(async () => ((await lagOfCache()) === 0 ? true : undefined), 10_000, 'the lag to be 0');
  });
});
