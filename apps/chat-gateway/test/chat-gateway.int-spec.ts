import { DeleteMessageCommand, DeleteRoomCommand, DisconnectUserCommand, SendEventCommand, UpdateRoomCommand } from '@aws-sdk/client-ivschat';
import { getConnectionToken } from '@nestjs/mongoose';
import { TOPICS } from '@rekey/contracts';
import { DEV_TENANTS, eventually, scrapeMetric, TestApp, TopicTail } from '@rekey/testing';
import { chatTokenClaims, ChatTokenClaims, Keyring, KEYRING, sealChatToken, sha256Hex } from '@rekey/tokens';
import { ChatError, DeleteMessageRequest, DisconnectUserRequest, SendMessageRequest } from 'amazon-ivs-chat-messaging';
import type { Connection } from 'mongoose';
import { request as httpRequest } from 'node:http';
import { WebSocket } from 'ws';
import { MAX_PROJECTION_LAG } from '../src/projection/projection-readiness';
import { ChatSocketServer } from '../src/sessions/chat-socket.server';
import { ConnectionRegistry } from '../src/sessions/connection-registry';
import { ChatStack, createRoom, RecordingRoom, startChatStack, TcpBalancer, TokenRequest, tokenProvider, wsUrl } from './gateway-test-kit';

const TENANT_A = DEV_TENANTS.A.accountId;

/** The HTTP status of a handshake with `token` as subprotocol, or 101. */
function handshake(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, token);
    socket.once('open', () => {
      expect(socket.protocol).toBe(token);
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

/** The status of a raw upgrade request with `protocols` as its Sec-WebSocket-Protocol header (what `ws` would refuse to send). */
function rawHandshake(url: string, protocols: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' };
    if (protocols !== undefined) headers['Sec-WebSocket-Protocol'] = protocols;
    const request = httpRequest(url, { headers });
    request.once('response', (response) => {
      resolve(response.statusCode ?? 0);
      response.resume();
    });
    request.once('upgrade', (_response, socket) => {
      socket.destroy();
      resolve(101);
    });
    request.once('error', reject);
    request.end();
  });
}

const errorOf = async (call: Promise<unknown>): Promise<ChatError> => {
  try {
    await call;
  } catch (error) {
    return error as ChatError;
  }
  throw new Error('the request succeeded');
};

describe('chat gateway: the official client on two replicas (a third one to drain)', () => {
  let stack: ChatStack;
  let keyring: Keyring;
  const rooms: RecordingRoom[] = [];

  beforeAll(async () => {
    stack = await startChatStack(3);
    keyring = stack.gateways[0].nest.get<Keyring>(KEYRING);
  }, 90_000);
  afterAll(async () => {
    for (const room of rooms) room.room.disconnect();
    await stack?.close();
  });

  /** A user in `roomArn` on replica `replica` (or a URL), connected. */
  const join = async (roomArn: string, replica: number | string, request: TokenRequest, provider = tokenProvider(stack, roomArn, request)) => {
    const room = new RecordingRoom(typeof replica === 'string' ? replica : wsUrl(stack.gateways[replica]), provider);
    rooms.push(room);
    return room.connect();
  };

  /** A token sealed as the chat app seals them, with claims CreateChatToken would not issue. */
  const sealed = (roomArn: string, overrides: Partial<ChatTokenClaims> = {}) =>
    sealChatToken(keyring, { ...chatTokenClaims(TENANT_A, { roomIdentifier: roomArn, userId: 'crafted', capabilities: ['SEND_MESSAGE'] }), ...overrides });

  it('is ready once its room projection follows the chat topic', async () => {
    const ready = (await (await fetch(`${stack.gateways[0].url}/health/ready`)).json()) as { info: Record<string, Record<string, unknown>> };
    expect(ready.info.projection).toMatchObject({ status: 'up', loaded: true, live: true });
    expect(ready.info.projection.lag).toBeLessThanOrEqual(MAX_PROJECTION_LAG);
  });

  it('two users on two replicas exchange messages both ways, with the sender echoed and attributes carried', async () => {
    const roomArn = await createRoom(stack, { maximumMessageRatePerSecond: 100 });
    const ann = await join(roomArn, 0, { userId: 'ann', capabilities: ['SEND_MESSAGE'], attributes: { displayName: 'Ann' } });
    const bob = await join(roomArn, 1, { userId: 'bob', capabilities: ['SEND_MESSAGE'] });

    const sent = await ann.room.sendMessage(new SendMessageRequest('hello from 0', { mood: 'happy' }));
    expect(sent).toMatchObject({ content: 'hello from 0', attributes: { mood: 'happy' }, sender: { userId: 'ann', attributes: { displayName: 'Ann' } } });
    expect(sent.id).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(await bob.received('hello from 0')).toMatchObject({ id: sent.id, sender: { userId: 'ann', attributes: { displayName: 'Ann' } } });

    const reply = await bob.room.sendMessage(new SendMessageRequest('hello from 1'));
    expect((await ann.received('hello from 1')).id).toBe(reply.id);

    // In send order per room, on both replicas.
    const burst = Array.from({ length: 20 }, (_, i) => `n${i}`);
    await Promise.all(burst.map((content) => ann.room.sendMessage(new SendMessageRequest(content))));
    for (const room of [ann, bob]) {
      await room.received('n19');
      expect(room.messages.map((m) => m.content).filter((c) => c.startsWith('n'))).toEqual(burst);
    }
  });

  it("two replicas sending into one room at once: every connection on both sees the topic's order, each replica's own messages included", async () => {
    const roomArn = await createRoom(stack, { maximumMessageRatePerSecond: 100 });
    const [ann, cal] = [await join(roomArn, 0, { userId: 'ann', capabilities: ['SEND_MESSAGE'] }), await join(roomArn, 0, { userId: 'cal' })];
    const [bob, dee] = [await join(roomArn, 1, { userId: 'bob', capabilities: ['SEND_MESSAGE'] }), await join(roomArn, 1, { userId: 'dee' })];
    // Once both replicas have consumed a message of the room's partition, they deliver their own at the acknowledgement.
    await ann.room.sendMessage(new SendMessageRequest('warm-up'));
    await Promise.all([ann, bob, cal, dee].map((room) => room.received('warm-up')));
    const topic = await TopicTail.start(TOPICS['chat-gateway']);
    try {
      // Rounds of three messages from each replica at once: which replica's come first in the topic is a race each time.
      for (let round = 0; round < 10; round += 1) {
        const contents = [0, 1, 2].flatMap((i) => [`a${round * 3 + i}`, `b${round * 3 + i}`]);
        await Promise.all(contents.map((content) => (content.startsWith('a') ? ann : bob).room.sendMessage(new SendMessageRequest(content))));
      }
      const published = await topic.waitFor((event) => event.key === roomArn && /^[ab]\d+$/.test(String(event.data.content)), 60);
      const topicOrder = published.map((event) => event.data.content);
      for (const room of [ann, cal, bob, dee]) {
        await eventually(() => (room.messages.filter((m) => /^[ab]\d+$/.test(m.content)).length === 60 ? true : undefined), 5_000, 'all 60 messages');
        expect(room.messages.map((m) => m.content).filter((content) => /^[ab]\d+$/.test(content))).toEqual(topicOrder);
      }
    } finally {
      await topic.stop();
    }
  });

  it('resolves deleteMessage and disconnectUser; both replicas see them; the disconnected user is closed cleanly and stays out', async () => {
    const roomArn = await createRoom(stack);
    const mod = await join(roomArn, 0, { userId: 'mod', capabilities: ['SEND_MESSAGE', 'DELETE_MESSAGE', 'DISCONNECT_USER'] });
    const troll = await join(roomArn, 1, { userId: 'troll', capabilities: ['SEND_MESSAGE'] });
    const watcher = await join(roomArn, 1, { userId: 'watcher' });

    const spam = await troll.room.sendMessage(new SendMessageRequest('spam'));
    await mod.received('spam');
    const deleted = await mod.room.deleteMessage(new DeleteMessageRequest(spam.id, 'spam'));
    expect(deleted).toMatchObject({ messageId: spam.id, reason: 'spam' });
    await eventually(() => (watcher.deletions.some((d) => d.messageId === spam.id && d.reason === 'spam') ? true : undefined), 5_000, 'deletion on replica 1');

    const disconnected = await mod.room.disconnectUser(new DisconnectUserRequest('troll', 'rude'));
    expect(disconnected).toMatchObject({ userId: 'troll', reason: 'rude' });
    await eventually(() => (troll.disconnects.length > 0 ? true : undefined), 5_000, 'troll disconnected');
    expect(troll.disconnects).toEqual(['serverDisconnect']);
    expect(watcher.userDisconnects).toContainEqual(expect.objectContaining({ userId: 'troll', reason: 'rude' }));
    expect(watcher.room.state).toBe('connected');
    expect(troll.tokensFetched).toBe(1);
  });

  it('refuses a token on its second use, after its minute, of another tenant, of a deleted room, of another region, and no or several tokens', async () => {
    const roomArn = await createRoom(stack);
    const fresh = await tokenProvider(stack, roomArn, { userId: 'once' })();
    expect(await handshake(wsUrl(stack.gateways[0]), fresh.token)).toBe(101);
    expect(await handshake(wsUrl(stack.gateways[1]), fresh.token)).toBe(401);
    // Stored: the token's hash until it expires, never the token; and the room in the durable projection.
    const database = stack.gateways[0].nest.get<Connection>(getConnectionToken());
    const use = await database.collection('token_uses').findOne({ _id: sha256Hex(fresh.token) as never });
    expect(use?.expiresAt).toEqual(fresh.tokenExpirationTime);
    expect(JSON.stringify(await database.collection('token_uses').find().toArray())).not.toContain(fresh.token);
    // The durable group of a new database first reads the chat topic's history (every test run's rooms).
    expect(await eventually(() => database.collection('rooms').findOne({ _id: roomArn as never }).then((room) => room ?? undefined), 30_000, 'projected room')).toMatchObject({
      tenant: TENANT_A,
      maximumMessageLength: 500,
      maximumMessageRatePerSecond: 10,
      deleted: false,
    });

    const issuedBefore = Date.now() - 61_000;
    const expired = sealChatToken(keyring, chatTokenClaims(TENANT_A, { roomIdentifier: roomArn, userId: 'late' }, issuedBefore));
    expect(await handshake(wsUrl(stack.gateways[0]), expired)).toBe(401);
    expect(await handshake(wsUrl(stack.gateways[0]), sealed(roomArn))).toBe(101);

    expect(await handshake(wsUrl(stack.gateways[0]), sealed(roomArn, { tenant: DEV_TENANTS.B.accountId }))).toBe(404);
    expect(await handshake(wsUrl(stack.gateways[0]), sealed(roomArn.replace('us-east-1', 'eu-west-1'), {}))).toBe(404);
    expect(await handshake(wsUrl(stack.gateways[0]), `${fresh.token.slice(0, -2)}xx`)).toBe(401);
    expect(await rawHandshake(stack.gateways[0].url, undefined)).toBe(400);
    expect(await rawHandshake(stack.gateways[0].url, `${sealed(roomArn)}, ${sealed(roomArn)}`)).toBe(400);

    const doomed = await createRoom(stack);
    const early = await tokenProvider(stack, doomed, { userId: 'early' })();
    await stack.ivschat().send(new DeleteRoomCommand({ identifier: doomed }));
    // Each replica learns of the deletion from its own consumer, one possibly before the other.
    for (const replica of [1, 0]) {
      await eventually(async () => ((await handshake(wsUrl(stack.gateways[replica]), sealed(doomed))) === 404 ? true : undefined), 5_000, `deletion known to replica ${replica}`);
    }
    expect(await handshake(wsUrl(stack.gateways[0]), early.token)).toBe(404);
    await eventually(() => database.collection('rooms').findOne({ _id: doomed as never, deleted: true }).then((room) => room ?? undefined), 30_000, 'deletion projected');
  });

  it('answers ERROR 403 without the capability, 413 over the room length in code points, 429 over its rate; a room update applies new limits', async () => {
    const roomArn = await createRoom(stack, { maximumMessageLength: 5, maximumMessageRatePerSecond: 2 });
    const viewer = await join(roomArn, 0, { userId: 'viewer' });
    expect(await errorOf(viewer.room.sendMessage(new SendMessageRequest('hi')))).toMatchObject({ errorCode: 403 });
    expect(await errorOf(viewer.room.deleteMessage(new DeleteMessageRequest('AbCdEf123456')))).toMatchObject({ errorCode: 403 });

    const talker = await join(roomArn, 1, { userId: 'talker', capabilities: ['SEND_MESSAGE'] });
    expect(await errorOf(talker.room.sendMessage(new SendMessageRequest('toolong')))).toMatchObject({ errorCode: 413 });
    await talker.room.sendMessage(new SendMessageRequest('👋👋👋👋👋'));

    // 8 at once against 2 per second: whatever second boundaries they straddle, some are refused.
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => talker.room.sendMessage(new SendMessageRequest(`r${i}`))));
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as ChatError).errorCode] : []));
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(new Set(refused)).toEqual(new Set([429]));

    await stack.ivschat().send(new UpdateRoomCommand({ identifier: roomArn, maximumMessageLength: 2 }));
    await eventually(async () => {
      const outcome = await talker.room.sendMessage(new SendMessageRequest('abc')).then(() => 0, (error: ChatError) => error.errorCode);
      return outcome === 413 ? true : undefined;
    }, 5_000, 'the new maximumMessageLength');
  });

  it('DisconnectUser, DeleteMessage, SendEvent and DeleteRoom through the AWS SDK reach clients on both replicas within a second', async () => {
    const roomArn = await createRoom(stack);
    const [a, b] = [await join(roomArn, 0, { userId: 'a', capabilities: ['SEND_MESSAGE'] }), await join(roomArn, 1, { userId: 'b' })];
    const leaver = await join(roomArn, 1, { userId: 'leaver' });
    const sent = await a.room.sendMessage(new SendMessageRequest('to delete'));

    await stack.ivschat().send(new DeleteMessageCommand({ roomIdentifier: roomArn, id: sent.id, reason: 'policy' }));
    await stack.ivschat().send(new SendEventCommand({ roomIdentifier: roomArn, eventName: 'app:poll', attributes: { q: '1' } }));
    await stack.ivschat().send(new DisconnectUserCommand({ roomIdentifier: roomArn, userId: 'leaver', reason: 'bye' }));
    for (const room of [a, b]) {
      await eventually(() => (room.deletions.some((d) => d.messageId === sent.id && d.reason === 'policy') ? true : undefined), 1_000, 'DeleteMessage');
      await eventually(() => (room.events.some((e) => e.eventName === 'app:poll' && e.attributes?.q === '1') ? true : undefined), 1_000, 'SendEvent');
      await eventually(() => (room.userDisconnects.some((e) => e.userId === 'leaver' && e.reason === 'bye') ? true : undefined), 1_000, 'DisconnectUser');
    }
    await eventually(() => (leaver.disconnects.includes('serverDisconnect') ? true : undefined), 1_000, 'leaver closed');

    await stack.ivschat().send(new DeleteRoomCommand({ identifier: roomArn }));
    for (const room of [a, b]) await eventually(() => (room.disconnects.includes('serverDisconnect') ? true : undefined), 1_000, 'DeleteRoom closes');
  });

  it('at session expiry sends ERROR 401, and the official client reconnects by itself with a fresh token', async () => {
    const roomArn = await createRoom(stack);
    const normal = tokenProvider(stack, roomArn, { userId: 'brief', capabilities: ['SEND_MESSAGE'] });
    let calls = 0;
    const provider = async () => {
      calls += 1;
      if (calls > 1) return normal();
      // The shortest session CreateChatToken issues is a minute: this one ends in two seconds.
      const claims = { ...chatTokenClaims(TENANT_A, { roomIdentifier: roomArn, userId: 'brief', capabilities: ['SEND_MESSAGE'] }), sessionExpirationTime: new Date(Date.now() + 2_000).toISOString() };
      return { token: sealChatToken(keyring, claims), tokenExpirationTime: new Date(claims.tokenExpirationTime), sessionExpirationTime: new Date(claims.sessionExpirationTime) };
    };
    const brief = await join(roomArn, 0, { userId: 'brief' }, provider);
    await eventually(() => (calls === 2 && brief.room.state === 'connected' ? true : undefined), 10_000, 'reconnected');
    await brief.room.sendMessage(new SendMessageRequest('still here'));
    expect(brief.disconnects).toEqual([]);
  });

  /** Four users through a balancer over `replicas`; `stop` ends the last of them; everyone goes on chatting. */
  const survivesTheEndOf = async (replicas: number[], stop: (replica: TestApp, roomArn: string) => Promise<void>) => {
    const balancer = await TcpBalancer.start(replicas.map((i) => stack.gateways[i]));
    try {
      const roomArn = await createRoom(stack);
      const users = [];
      for (const userId of ['u1', 'u2', 'u3', 'u4']) users.push(await join(roomArn, balancer.url, { userId, capabilities: ['SEND_MESSAGE'] }));
      await users[0].room.sendMessage(new SendMessageRequest('before'));
      for (const user of users) await user.received('before');

      await stop(stack.gateways[replicas.at(-1)!], roomArn);
      for (const user of users) await eventually(() => (user.room.state === 'connected' ? true : undefined), 10_000, 'connected again');
      for (const user of users) expect(user.disconnects).toEqual([]);
      expect(users.filter((user) => user.tokensFetched > 1).length).toBe(2);
      await users[3].room.sendMessage(new SendMessageRequest('after'));
      for (const user of users) await user.received('after');
    } finally {
      await balancer.close();
    }
  };

  it('a replica draining (SIGTERM): ERROR 401 on its sockets, its clients reconnect to the other and go on', async () => {
    await survivesTheEndOf([0, 2], async (replica, roomArn) => {
      expect(await scrapeMetric(replica.url, 'rekey_chat_connections')).toBe(2);
      await replica.nest.get(ChatSocketServer).drain();
      expect(await scrapeMetric(replica.url, 'rekey_chat_connections')).toBe(0);
      expect(await handshake(wsUrl(replica), sealed(roomArn))).toBe(503);
      expect(await scrapeMetric(replica.url, 'rekey_chat_refusals_total', { stage: 'handshake', code: '503' })).toBeGreaterThanOrEqual(1);
      await replica.close();
    });
  });

  it('a replica killed mid-chat: its clients reconnect through the load balancer to the other and go on', async () => {
    await survivesTheEndOf([0, 1], async (replica) => {
      // What a crash does to the sockets (no close handshake), then the rest of the process goes.
      for (const connection of replica.nest.get(ConnectionRegistry).all()) connection.drop();
      await replica.close();
    });
  });
});
