import { fingerprint } from '@rekey/contracts';
import { constantTimeEqual, generateToken, newIvschatId, sha256Hex } from './random-token';

describe('token primitives', () => {
  it('generates 40-character base64 tokens (240 bits) that do not repeat', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => generateToken()));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9+/]{40}$/);
  });

  it('hashes with SHA-256 and agrees with the event fingerprint', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(fingerprint('abc')).toBe(`sha256:${sha256Hex('abc').slice(0, 16)}`);
  });

  it('compares secrets for equality whatever their lengths', () => {
    expect(constantTimeEqual('same', 'same')).toBe(true);
    expect(constantTimeEqual('same', 'sane')).toBe(false);
    expect(constantTimeEqual('short', 'much longer')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('draws 12-character alphanumeric IVS Chat ids that do not repeat and use the whole alphabet', () => {
    const ids = Array.from({ length: 2000 }, () => newIvschatId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{12}$/);
    const characters = new Set(ids.join(''));
    expect(characters.size).toBe(62);
  });
});
