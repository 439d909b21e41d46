import { DeleteMessageRequest as SdkDelete, DisconnectUserRequest as SdkDisconnect, SendMessageRequest as SdkSend } from 'amazon-ivs-chat-messaging';
import { dirname, join } from 'node:path';
import { codePointLength, parseClientRequest } from './client-request';
import { MessagingError } from './messaging-error';
import { customEventEntity, deleteMessageEntity, disconnectUserEntity, errorEntity, messageEntity } from './server-entity';

/** The official client's own parsers and serializer (not exported by its package, so loaded by path). */
const sdkDir = dirname(require.resolve('amazon-ivs-chat-messaging'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdk = require(join(sdkDir, 'utils', 'deserialize.js')) as Record<string, (entity: unknown) => Record<string, unknown>>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { serializeRequest } = require(join(sdkDir, 'utils', 'serialize.js')) as { serializeRequest(request: unknown): string };

/** What the client does with a frame: JSON.parse, then the parser of its `Type`. */
const asClientReads = (entity: object, parser: string) => sdk[parser](JSON.parse(JSON.stringify(entity)));

const refusal = (text: string) => {
  try {
    parseClientRequest(text);
  } catch (error) {
    if (error instanceof MessagingError) return { code: error.code, requestId: error.requestId };
    throw error;
  }
  throw new Error('accepted');
};

describe('client frames as the official client serializes them', () => {
  it('parses SEND_MESSAGE, DELETE_MESSAGE and DISCONNECT_USER with their RequestId', () => {
    const send = new SdkSend('héllo 👋', { color: 'teal' });
    expect(parseClientRequest(serializeRequest(send))).toEqual({ action: 'SEND_MESSAGE', requestId: send.requestId, content: 'héllo 👋', attributes: { color: 'teal' } });
    const bare = new SdkSend('hi');
    expect(serializeRequest(bare)).not.toContain('Attributes');
    expect(parseClientRequest(serializeRequest(bare))).toMatchObject({ attributes: {} });
    const del = new SdkDelete('AbCdEf123456', 'spam');
    expect(parseClientRequest(serializeRequest(del))).toEqual({ action: 'DELETE_MESSAGE', requestId: del.requestId, id: 'AbCdEf123456', reason: 'spam' });
    const disconnect = new SdkDisconnect('user-2', 'rude');
    expect(parseClientRequest(serializeRequest(disconnect))).toEqual({ action: 'DISCONNECT_USER', requestId: disconnect.requestId, userId: 'user-2', reason: 'rude' });
    expect(parseClientRequest(serializeRequest(new SdkDisconnect('user-2')))).toMatchObject({ reason: null });
  });

  it('refuses malformed frames with 400, echoing the RequestId when there is one', () => {
    expect(refusal('not json')).toEqual({ code: 400, requestId: null });
    expect(refusal('[1]')).toEqual({ code: 400, requestId: null });
    expect(refusal('{"Action":"SHOUT","RequestId":"r1"}')).toEqual({ code: 400, requestId: 'r1' });
    expect(refusal('{"Action":"SEND_MESSAGE","RequestId":"r2"}')).toEqual({ code: 400, requestId: 'r2' });
    expect(refusal('{"Action":"SEND_MESSAGE","RequestId":"r3","Content":""}')).toEqual({ code: 400, requestId: 'r3' });
    expect(refusal('{"Action":"SEND_MESSAGE","RequestId":"r4","Content":"x","Attributes":{"n":1}}')).toEqual({ code: 400, requestId: 'r4' });
    expect(refusal('{"Action":"DELETE_MESSAGE","RequestId":"r5","Id":"short"}')).toEqual({ code: 400, requestId: 'r5' });
    expect(refusal('{"Action":"DISCONNECT_USER","RequestId":"r6"}')).toEqual({ code: 400, requestId: 'r6' });
    expect(refusal(`{"Action":"DISCONNECT_USER","RequestId":"r7","UserId":"u","Reason":"${'x'.repeat(257)}"}`)).toEqual({ code: 400, requestId: 'r7' });
    expect(refusal('{"Action":"SEND_MESSAGE","RequestId":7,"Content":"x"}')).toEqual({ code: 400, requestId: null });
  });

  it('refuses attributes over 1 KB with 413', () => {
    const frame = serializeRequest(new SdkSend('x', { k: 'v'.repeat(1024) }));
    expect(refusal(frame).code).toBe(413);
  });

  it('counts content in code points, as the room limit does', () => {
    expect(codePointLength('👋👋')).toBe(2);
    expect(codePointLength('é')).toBe(1);
  });
});

describe('server entities as the official client parses them', () => {
  const sendTime = '2026-11-30T10:00:00.000Z';
  const message = { id: 'Msg123456789', content: 'hi', attributes: { a: 'b' }, sender: { userId: 'u1', attributes: { displayName: 'Ann' } }, sendTime };

  it('MESSAGE: the sender gets its RequestId back, the others do not', () => {
    const own = asClientReads(messageEntity(message, 'req-1'), 'parseChatMessage');
    expect(own).toEqual({ id: 'Msg123456789', content: 'hi', attributes: { a: 'b' }, sender: { userId: 'u1', attributes: { displayName: 'Ann' } }, sendTime: new Date(sendTime), requestId: 'req-1' });
    expect(asClientReads(messageEntity(message), 'parseChatMessage').requestId).toBeUndefined();
    expect(messageEntity(message).Type).toBe('MESSAGE');
  });

  it('aws:DELETE_MESSAGE carries MessageId, the MessageID the client reads, and Reason', () => {
    const entity = deleteMessageEntity({ id: 'Del123456789', messageId: 'Msg123456789', reason: 'spam' }, sendTime, 'req-2');
    expect(entity.Attributes).toEqual({ MessageId: 'Msg123456789', MessageID: 'Msg123456789', Reason: 'spam' });
    const event = asClientReads(entity, 'parseChatEvent');
    expect(event).toMatchObject({ id: 'Del123456789', eventName: 'aws:DELETE_MESSAGE', requestId: 'req-2' });
    expect(sdk.parseDeleteMessageEvent(event)).toMatchObject({ messageId: 'Msg123456789', reason: 'spam', requestId: 'req-2' });
    expect(deleteMessageEntity({ id: 'Del123456789', messageId: 'Msg123456789', reason: null }, sendTime).Attributes).not.toHaveProperty('Reason');
  });

  it('aws:DISCONNECT_USER carries UserId and Reason', () => {
    const event = asClientReads(disconnectUserEntity('Dis123456789', { userId: 'u2', reason: 'rude' }, sendTime), 'parseChatEvent');
    expect(sdk.parseDisconnectUserEvent(event)).toMatchObject({ id: 'Dis123456789', userId: 'u2', reason: 'rude' });
  });

  it('custom EVENT keeps the id SendEvent answered', () => {
    const event = asClientReads(customEventEntity({ id: 'Evt123456789', eventName: 'app:confetti', attributes: { level: '3' }, sendTime }), 'parseChatEvent');
    expect(event).toEqual({ id: 'Evt123456789', eventName: 'app:confetti', attributes: { level: '3' }, sendTime: new Date(sendTime), requestId: undefined });
  });

  it('ERROR: numeric code, message, RequestId, and a fresh Id each time', () => {
    const first = errorEntity(new MessagingError(429, 'rate exceeded', 'req-3'));
    expect(asClientReads(first, 'parseChatError')).toEqual({ id: first.Id, errorCode: 429, errorMessage: 'rate exceeded', requestId: 'req-3' });
    expect(errorEntity(new MessagingError(401, 'expired', null)).Id).not.toBe(first.Id);
    expect(first.Id).toMatch(/^[A-Za-z0-9]{12}$/);
  });
});
