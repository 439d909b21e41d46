import { randomBytes } from 'node:crypto';
import { chatTokenClaims, ChatTokenClaims, ChatTokenError, openChatToken, sealChatToken, TOKEN_LIFETIME_MS } from './chat-token';
import { Keyring } from './keyring';

const key = () => randomBytes(32).toString('base64');

const claims = (overrides: Partial<ChatTokenClaims> = {}): ChatTokenClaims => ({
  tenant: '111111111111',
  roomArn: 'arn:aws:ivschat:us-east-1:111111111111:room/AbCdEf123456',
  userId: 'user ✓ 1',
  capabilities: ['SEND_MESSAGE'],
  attributes: { displayName: 'Ann' },
  issuedAt: '2026-11-23T10:00:00.000Z',
  tokenExpirationTime: '2026-11-23T11:00:00.000Z',
  sessionExpirationTime: '2026-11-23T12:00:00.000Z',
  ...overrides,
});

const beforeExpiry = new Date('2026-11-23T10:30:00.000Z');

function reasonOf(open: () => unknown): string | undefined {
  try {
    open();
  } catch (error) {
    if (error instanceof ChatTokenError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('chat tokens', () => {
  const keyring = Keyring.fromJson({ current: 'k1', keys: { k1: key() } });

  it('opens to exactly the claims it was sealed with, without showing them in the token', () => {
    const token = sealChatToken(keyring, claims());
    expect(openChatToken(keyring, token, beforeExpiry)).toEqual(claims());
    expect(token).not.toContain('Ann');
    expect(token).not.toContain('111111111111');
    expect(token).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it('rejects a tampered token', () => {
    const token = sealChatToken(keyring, claims());
    const parts = token.split('.');
    const body = Buffer.from(parts[3], 'base64url');
    body[5] ^= 1;
    parts[3] = body.toString('base64url');
    expect(reasonOf(() => openChatToken(keyring, parts.join('.'), beforeExpiry))).toBe('invalid');
    expect(reasonOf(() => openChatToken(keyring, token.slice(0, -4), beforeExpiry))).toBe('invalid');
    expect(reasonOf(() => openChatToken(keyring, 'not-a-token', beforeExpiry))).toBe('invalid');
  });

  it('rejects a token once its tokenExpirationTime has passed', () => {
    const token = sealChatToken(keyring, claims());
    expect(reasonOf(() => openChatToken(keyring, token, new Date('2026-11-23T11:00:00.000Z')))).toBe('expired');
    expect(reasonOf(() => openChatToken(keyring, token, new Date('2026-11-23T11:00:00.001Z')))).toBe('expired');
    expect(reasonOf(() => openChatToken(keyring, token, new Date('2026-11-23T10:59:59.999Z')))).toBeUndefined();
  });

  it('rejects a token sealed under a key the keyring does not hold', () => {
    const foreign = Keyring.fromJson({ current: 'k1', keys: { k1: key() } });
    expect(reasonOf(() => openChatToken(keyring, sealChatToken(foreign, claims()), beforeExpiry))).toBe('invalid');
    const otherId = Keyring.fromJson({ current: 'k9', keys: { k9: key() } });
    expect(reasonOf(() => openChatToken(keyring, sealChatToken(otherId, claims()), beforeExpiry))).toBe('invalid');
  });

  it('rejects a value the keyring sealed for another purpose', () => {
    const other = keyring.seal({ v: 1, ...claims() }, 'something-else');
    expect(reasonOf(() => openChatToken(keyring, other, beforeExpiry))).toBe('invalid');
  });

  it('keeps opening tokens of the previous key after the master key rotates', () => {
    const oldKey = key();
    const before = Keyring.fromJson({ current: 'old', keys: { old: oldKey } });
    const token = sealChatToken(before, claims());
    const after = Keyring.fromJson({ current: 'new', keys: { old: oldKey, new: key() } });
    expect(openChatToken(after, token, beforeExpiry).userId).toBe('user ✓ 1');
    expect(sealChatToken(after, claims()).split('.')[1]).toBe('new');
  });
});

describe('chatTokenClaims', () => {
  const now = Date.parse('2026-11-23T10:00:00.000Z');
  const request = { roomIdentifier: 'arn:aws:ivschat:us-east-1:111111111111:room/abcdefghijkl', userId: 'u1' };

  it('defaults to a 60-minute session, and the token lives at most TOKEN_LIFETIME_MS', () => {
    const claims = chatTokenClaims('111111111111', { ...request, capabilities: ['SEND_MESSAGE', 'SEND_MESSAGE'] }, now);
    expect(claims).toEqual({
      tenant: '111111111111',
      roomArn: request.roomIdentifier,
      userId: 'u1',
      capabilities: ['SEND_MESSAGE'],
      attributes: {},
      issuedAt: '2026-11-23T10:00:00.000Z',
      tokenExpirationTime: new Date(now + TOKEN_LIFETIME_MS).toISOString(),
      sessionExpirationTime: '2026-11-23T11:00:00.000Z',
    });
  });

  it('lets the token open a connection for one minute, whatever the session length', () => {
    const claims = chatTokenClaims('111111111111', { ...request, sessionDurationInMinutes: 5 }, now);
    expect(claims.tokenExpirationTime).toBe('2026-11-23T10:01:00.000Z');
    expect(claims.sessionExpirationTime).toBe('2026-11-23T10:05:00.000Z');
  });
});
