import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring, KeyringFormatError, SealedTokenError } from './keyring';

const key = () => randomBytes(32).toString('base64');

describe('Keyring', () => {
  const first = Keyring.fromJson({ current: 'k1', keys: { k1: key() } });

  it('round-trips a value bound to its associated data, with a fresh IV each time', () => {
    const a = first.encrypt('secret-token', 'bot-1');
    const b = first.encrypt('secret-token', 'bot-1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('secret-token');
    expect(a.startsWith('v1.k1.')).toBe(true);
    expect(first.decrypt(a, 'bot-1')).toBe('secret-token');
    expect(() => first.decrypt(a, 'bot-2')).toThrow(SealedTokenError);
  });

  it('keeps opening values of an older key after the current key rotates', () => {
    const oldKey = key();
    const before = Keyring.fromJson({ current: 'old', keys: { old: oldKey } });
    const sealed = before.encrypt('v');
    const after = Keyring.fromJson({ current: 'new', keys: { old: oldKey, new: key() } });
    expect(after.decrypt(sealed)).toBe('v');
    expect(after.encrypt('v').split('.')[1]).toBe('new');
  });

  it('rejects tampering, truncation, unknown keys and foreign keyrings', () => {
    const sealed = first.encrypt('value');
    const [format, id, iv, body] = sealed.split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(() => first.decrypt([format, id, iv, flipped.toString('base64url')].join('.'))).toThrow(SealedTokenError);
    expect(() => first.decrypt(sealed.slice(0, -10))).toThrow(SealedTokenError);
    expect(() => first.decrypt(['v1', 'nope', iv, body].join('.'))).toThrow(SealedTokenError);
    expect(() => first.decrypt('garbage')).toThrow(SealedTokenError);
    const other = Keyring.fromJson({ current: 'k1', keys: { k1: key() } });
    expect(() => other.decrypt(sealed)).toThrow(SealedTokenError);
  });

  it('seals claims for one purpose only', () => {
    const token = first.seal({ room: 'r', exp: 1 }, 'chat');
    expect(first.open(token, 'chat')).toEqual({ room: 'r', exp: 1 });
    expect(() => first.open(token, 'tunnel')).toThrow(SealedTokenError);
  });

  it('derives distinct, stable keys per purpose', () => {
    expect(first.deriveKey('pagination').equals(first.deriveKey('pagination'))).toBe(true);
    expect(first.deriveKey('pagination').equals(first.deriveKey('other'))).toBe(false);
    expect(first.deriveKey('pagination')).toHaveLength(32);
  });

  it.each([
    [{}, 'keyring has no "keys"'],
    [{ current: 'x', keys: { k1: key() } }, 'keyring "current" must name one of its keys'],
    [{ current: 'k1', keys: { k1: 'c2hvcnQ=' } }, 'keyring key "k1" must be base64 of 32 bytes'],
    [{ current: 'bad id', keys: { 'bad id': key() } }, 'keyring key id "bad id" must match'],
  ])('refuses a malformed keyring %j without echoing key material', (document, message) => {
    expect(() => Keyring.fromJson(document)).toThrow(KeyringFormatError);
    expect(() => Keyring.fromJson(document)).toThrow(message);
  });

  it('reads the keyring file format of contracts.md', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'keyring-')), 'keyring.json');
    const material = key();
    writeFileSync(path, JSON.stringify({ current: 'prod-1', keys: { 'prod-1': material } }));
    const keyring = Keyring.fromFile(path);
    expect(keyring.currentKeyId).toBe('prod-1');
    writeFileSync(path, '{not json');
    expect(() => Keyring.fromFile(path)).toThrow(KeyringFormatError);
  });
});
