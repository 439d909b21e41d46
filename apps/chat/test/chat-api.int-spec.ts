import { TOPICS } from '@rekey/contracts';
import { Ivschat, ResourceNotFoundException, ValidationException } from '@aws-sdk/client-ivschat';
import { getConnectionToken } from '@nestjs/mongoose';
import { awsClientConfig, failureOf, eventually, startTestApp, TestApp, TopicTail } from '@rekey/testing';
import type { Connection } from 'mongoose';
import { ChatAppModule } from '../src/app.module';
import { RevocationsRepository } from '../src/revocations/revocations.repository';

const LAMBDA = 'arn:aws:lambda:us-east-1:111111111111:function:review';
const LOGGING = 'arn:aws:ivschat:us-east-1:111111111111:logging-configuration/AbCdEf123456';

describe('IVS Chat rooms, tags and messaging through @aws-sdk/client-ivschat', () => {
  let app: TestApp;
  let a: Ivschat;
  let b: Ivschat;
  let db: Connection;
  let topic: TopicTail;

  beforeAll(async () => {
    topic = await TopicTail.start(TOPICS.chat);
    app = await startTestApp('chat', (config) => ChatAppModule.register(config));
    a = new Ivschat(awsClientConfig(app.url, 'A'));
    b = new Ivschat(awsClientConfig(app.url, 'B'));
    db = app.nest.get<Connection>(getConnectionToken());
  });
  afterAll(async () => {
    await app?.close();
    await topic?.stop();
  });

  it('creates a room with the model defaults, stores it and publishes RoomCreated with the room', async () => {
    const room = await a.createRoom({});
    expect(room.id).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(room.arn).toBe(`arn:aws:ivschat:us-east-1:111111111111:room/${room.id}`);
    expect(room).toMatchObject({ name: '', maximumMessageRatePerSecond: 10, maximumMessageLength: 500, tags: {}, loggingConfigurationIdentifiers: [] });
    expect(room.messageReviewHandler).toBeUndefined();
    expect(room.createTime).toBeInstanceOf(Date);
    expect(room.updateTime?.getTime()).toBe(room.createTime?.getTime());

    const stored = await db.collection('rooms').findOne({ _id: room.arn as never });
    expect(stored).toMatchObject({ tenant: '111111111111', roomId: room.id, revision: 1 });

    const event = await topic.find('rekey.chat.RoomCreated', room.arn!);
    expect(event.key).toBe(room.arn);
    expect(event.headers).toMatchObject({ ce_specversion: '1.0', ce_source: '/rekey/chat', ce_tenant: '111111111111', 'content-type': 'application/json' });
    expect(event.headers.ce_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.data).toEqual({ tenant: '111111111111', ...JSON.parse(JSON.stringify({ ...room, $metadata: undefined })) });
  });

  it('gets and updates a room with every setting the model allows, publishing RoomUpdated', async () => {
    const created = await a.createRoom({
      name: 'lobby-1_a',
      maximumMessageRatePerSecond: 100,
      maximumMessageLength: 1,
      messageReviewHandler: { uri: LAMBDA },
      tags: { team: 'blue', 'a.b$c': '' },
      loggingConfigurationIdentifiers: [LOGGING],
    });
    expect(created.messageReviewHandler).toEqual({ uri: LAMBDA, fallbackResult: 'ALLOW' });
    const got = await a.getRoom({ identifier: created.arn });
    expect({ ...got, $metadata: undefined }).toEqual({ ...created, $metadata: undefined });

    const updated = await a.updateRoom({ identifier: created.arn, name: 'renamed', maximumMessageLength: 300, messageReviewHandler: { uri: '' } });
    expect(updated).toMatchObject({ name: 'renamed', maximumMessageLength: 300, maximumMessageRatePerSecond: 100, tags: { team: 'blue', 'a.b$c': '' } });
    expect(updated.messageReviewHandler).toBeUndefined();
    expect(updated.updateTime!.getTime()).toBeGreaterThanOrEqual(created.updateTime!.getTime());
    const event = await topic.find('rekey.chat.RoomUpdated', created.arn!);
    expect(event.data).toMatchObject({ name: 'renamed', maximumMessageLength: 300, tenant: '111111111111' });
  });

  it('lists a tenant\'s rooms, filtered by name, newest update first, page by page', async () => {
    const name = `list-${Date.now()}`;
    const first = await a.createRoom({ name });
    const second = await a.createRoom({ name });
    const third = await a.createRoom({ name, messageReviewHandler: { uri: LAMBDA, fallbackResult: 'DENY' } });
    await a.updateRoom({ identifier: first.arn, maximumMessageLength: 2 });
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await a.listRooms({ name, maxResults: 2, nextToken });
      seen.push(...page.rooms!.map((r) => r.id!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(seen).toEqual([first.id, third.id, second.id]);
    const byHandler = await a.listRooms({ messageReviewHandlerUri: LAMBDA, name });
    expect(byHandler.rooms).toEqual([expect.objectContaining({ id: third.id, messageReviewHandler: { uri: LAMBDA, fallbackResult: 'DENY' } })]);
    expect((await b.listRooms({ name })).rooms).toEqual([]);
    const foreign = await failureOf(b.listRooms({ name, nextToken: (await a.listRooms({ name, maxResults: 1 })).nextToken }));
    expect(foreign.name).toBe('ValidationException');
  });

  it('tags, lists and untags a room by its percent-encoded ARN', async () => {
    const room = await a.createRoom({ tags: { keep: '1', drop: '2' } });
    await a.tagResource({ resourceArn: room.arn, tags: { added: 'x/y:z', keep: 'one' } });
    expect((await a.listTagsForResource({ resourceArn: room.arn })).tags).toEqual({ keep: 'one', drop: '2', added: 'x/y:z' });
    await a.untagResource({ resourceArn: room.arn, tagKeys: ['drop', 'added', 'absent'] });
    expect((await a.listTagsForResource({ resourceArn: room.arn })).tags).toEqual({ keep: 'one' });
    expect((await a.getRoom({ identifier: room.arn })).tags).toEqual({ keep: 'one' });
    const missing = await failureOf(b.listTagsForResource({ resourceArn: room.arn }));
    expect(missing.name).toBe('ResourceNotFoundException');
  });

  it('deletes a room (204), writes its revocation and publishes RoomDeleted; then it is not found', async () => {
    const room = await a.createRoom({});
    const deleted = await a.deleteRoom({ identifier: room.arn });
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    const gone = await failureOf(a.getRoom({ identifier: room.arn }));
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
    expect(gone).toMatchObject({ resourceId: room.id, resourceType: 'ROOM', $metadata: { httpStatusCode: 404 } });
    expect((await failureOf(a.deleteRoom({ identifier: room.arn }))).name).toBe('ResourceNotFoundException');

    const revocation = await db.collection('revocations').findOne({ _id: room.arn as never });
    expect(revocation).toMatchObject({ tenant: '111111111111', roomArn: room.arn, userId: null });
    // Any user's token issued before the deletion is dead.
    const issuedAt = room.createTime!.toISOString();
    expect(await app.nest.get(RevocationsRepository).isRevoked({ tenant: '111111111111', roomArn: room.arn!, userId: 'anyone', issuedAt })).toBe(true);
    const event = await topic.find('rekey.chat.RoomDeleted', room.arn!);
    expect(event.data).toMatchObject({ arn: room.arn, id: room.id });
    // Purged by the relay once RoomDeleted is out.
    await eventually(async () => ((await db.collection('rooms').countDocuments({ _id: room.arn as never })) === 0 ? true : undefined), 10_000, 'purge');
  });

  it('answers another tenant\'s room exactly as a missing one', async () => {
    const room = await a.createRoom({});
    for (const call of [
      b.getRoom({ identifier: room.arn }),
      b.updateRoom({ identifier: room.arn, name: 'x' }),
      b.deleteRoom({ identifier: room.arn }),
      b.tagResource({ resourceArn: room.arn, tags: { a: 'b' } }),
      b.sendEvent({ roomIdentifier: room.arn, eventName: 'e' }),
      b.disconnectUser({ roomIdentifier: room.arn, userId: 'u' }),
    ]) {
      expect(await failureOf(call)).toMatchObject({ name: 'ResourceNotFoundException', resourceId: room.id, resourceType: 'ROOM' });
    }
    expect((await a.getRoom({ identifier: room.arn })).name).toBe('');
  });

  it.each([
    ['maximumMessageRatePerSecond 101', { maximumMessageRatePerSecond: 101 }, 'maximumMessageRatePerSecond'],
    ['maximumMessageLength 0', { maximumMessageLength: 0 }, 'maximumMessageLength'],
    ['a name with a space', { name: 'a b' }, 'name'],
    ['a review handler that is not a Lambda ARN', { messageReviewHandler: { uri: 'https://example.com' } }, 'messageReviewHandler.uri'],
    ['an unknown fallback result', { messageReviewHandler: { uri: LAMBDA, fallbackResult: 'MAYBE' } }, 'messageReviewHandler.fallbackResult'],
    ['four logging configurations', { loggingConfigurationIdentifiers: [LOGGING, LOGGING, LOGGING, LOGGING] }, 'loggingConfigurationIdentifiers'],
    ['51 tags', { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, 'tags'],
  ])('refuses CreateRoom with %s as a ValidationException naming the field', async (_, input, field) => {
    const error = await failureOf(a.createRoom(input as never));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error).toMatchObject({ reason: 'FIELD_VALIDATION_FAILED', $metadata: { httpStatusCode: 400 } });
    expect(error.fieldList).toEqual(expect.arrayContaining([expect.objectContaining({ name: field })]));
  });

  it('answers operations it does not implement (logging configurations) as an unknown operation', async () => {
    const error = await failureOf(a.createLoggingConfiguration({ destinationConfiguration: { s3: { bucketName: 'logs' } } }));
    expect(error).toMatchObject({ name: 'ValidationException', reason: 'UNKNOWN_OPERATION', $metadata: { httpStatusCode: 400 } });
  });

  it('refuses an identifier that is not a room ARN', async () => {
    const error = await failureOf(a.getRoom({ identifier: 'AbCdEf123456' }));
    expect(error).toMatchObject({ name: 'ValidationException', fieldList: [expect.objectContaining({ name: 'identifier' })] });
  });

  it('disconnects a user: a revocation the gateway can check, and UserDisconnected', async () => {
    const room = await a.createRoom({});
    const before = new Date(Date.now() - 1000).toISOString();
    const answer = await a.disconnectUser({ roomIdentifier: room.arn, userId: 'user ✓ 7', reason: 'spam' });
    expect(answer.$metadata.httpStatusCode).toBe(200);
    const event = await topic.find('rekey.chat.UserDisconnected', room.arn!);
    expect(event.data).toMatchObject({ tenant: '111111111111', roomArn: room.arn, userId: 'user ✓ 7', reason: 'spam' });
    const revocations = app.nest.get(RevocationsRepository);
    const claims = { tenant: '111111111111', roomArn: room.arn!, userId: 'user ✓ 7', issuedAt: before };
    expect(await revocations.isRevoked(claims)).toBe(true);
    expect(await revocations.isRevoked({ ...claims, issuedAt: new Date(Date.now() + 1000).toISOString() })).toBe(false);
    expect(await revocations.isRevoked({ ...claims, userId: 'someone else' })).toBe(false);
    expect(await revocations.isRevoked({ ...claims, tenant: '222222222222' })).toBe(false);
  });

  it('sends an event and deletes a message: ids of 12 alphanumerics, recorded as EventSent and MessageDeleted', async () => {
    const room = await a.createRoom({});
    const sent = await a.sendEvent({ roomIdentifier: room.arn, eventName: 'app:poll', attributes: { question: 'tea?' } });
    expect(sent.id).toMatch(/^[A-Za-z0-9]{12}$/);
    const eventSent = await topic.find('rekey.chat.EventSent', room.arn!);
    expect(eventSent.data).toMatchObject({ id: sent.id, eventName: 'app:poll', attributes: { question: 'tea?' }, roomArn: room.arn });

    const deleted = await a.deleteMessage({ roomIdentifier: room.arn, id: 'MsgId0000001', reason: 'rude' });
    expect(deleted.id).toMatch(/^[A-Za-z0-9]{12}$/);
    const messageDeleted = await topic.find('rekey.chat.MessageDeleted', room.arn!);
    expect(messageDeleted.data).toMatchObject({ id: deleted.id, messageId: 'MsgId0000001', reason: 'rude' });

    const badId = await failureOf(a.deleteMessage({ roomIdentifier: room.arn, id: 'short' }));
    expect(badId).toMatchObject({ name: 'ValidationException', fieldList: [expect.objectContaining({ name: 'id' })] });
    const bigAttributes = await failureOf(a.sendEvent({ roomIdentifier: room.arn, eventName: 'e', attributes: { k: 'x'.repeat(1024) } }));
    expect(bigAttributes).toMatchObject({ name: 'ValidationException', fieldList: [expect.objectContaining({ name: 'attributes' })] });
    const unknown = await failureOf(a.sendEvent({ roomIdentifier: `${room.arn!.slice(0, -12)}ZZZZZZZZZZZZ`, eventName: 'e' }));
    expect(unknown.name).toBe('ResourceNotFoundException');
  });
});
