import { Keyring, SealedTokenError } from '@rekey/tokens';
import { randomBytes } from 'node:crypto';
import { SecurityTokens } from './security-tokens';

const key = () => randomBytes(32).toString('base64');
const owner = { tenant: '111111111111', accountId: 'acc-1', botId: 'bot-1' };

describe('SecurityTokens', () => {
  const tokens = new SecurityTokens(Keyring.fromJson({ current: 'k1', keys: { k1: key() } }));

  it('issues 40 base64 characters (240 CSPRNG bits), different every time', () => {
    const issued = Array.from({ length: 50 }, () => tokens.issue());
    for (const token of issued) expect(token).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(new Set(issued).size).toBe(50);
  });

  it('stores only ciphertext with the key id beside it, and opens it again for the same bot only', () => {
    const token = tokens.issue();
    const stored = tokens.seal(token, owner);
    expect(stored.keyId).toBe('k1');
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(tokens.open(stored, owner)).toBe(token);
    expect(() => tokens.open(stored, { ...owner, botId: 'bot-2' })).toThrow(SealedTokenError);
    expect(() => tokens.open(stored, { ...owner, tenant: '222222222222' })).toThrow(SealedTokenError);
  });

  it('opens a token written under an older master key once the keyring has a new current key', () => {
    const oldKey = key();
    const before = new SecurityTokens(Keyring.fromJson({ current: 'old', keys: { old: oldKey } }));
    const after = new SecurityTokens(Keyring.fromJson({ current: 'new', keys: { old: oldKey, new: key() } }));
    const token = before.issue();
    const stored = before.seal(token, owner);
    expect(after.open(stored, owner)).toBe(token);
    expect(after.seal(token, owner).keyId).toBe('new');
    // Dropping the old key from the keyring is what makes such tokens unreadable.
    const withoutOld = new SecurityTokens(Keyring.fromJson({ current: 'new', keys: { new: key() } }));
    expect(() => withoutOld.open(stored, owner)).toThrow(SealedTokenError);
  });
});
