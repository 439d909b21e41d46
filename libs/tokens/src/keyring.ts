import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A sealed value that cannot be opened: tampered, truncated, of another purpose or of an unknown key. */
export class SealedTokenError extends Error {}

/** The keyring file was unreadable or malformed; the message names the problem, never a key. */
export class KeyringFormatError extends Error {}

const FORMAT = 'v1';
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;

interface KeyringDocument {
  current: string;
  keys: Record<string, string>;
}

/**
 * Master keys that encrypt tokens at rest and seal self-contained tokens, with AES-256-GCM.
 * Every ciphertext names the key that made it, so the current key can be rotated while values
 * written under older keys keep opening: add a key, make it `current`, keep the old one listed.
 *
 * Format: `v1.<keyId>.<iv>.<ciphertext+tag>` (base64url parts; URL- and header-safe).
 */
export class Keyring {
  private constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    readonly currentKeyId: string,
  ) {}

  /** `{ "current": "<id>", "keys": { "<id>": "<base64 of 32 bytes>" } }` (contracts.md). */
  static fromJson(document: unknown): Keyring {
    const { current, keys } = (document ?? {}) as Partial<KeyringDocument>;
    if (typeof keys !== 'object' || keys === null || Object.keys(keys).length === 0) {
      throw new KeyringFormatError('keyring has no "keys"');
    }
    const decoded = new Map<string, Buffer>();
    for (const [id, value] of Object.entries(keys)) {
      const key = typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.alloc(0);
      if (!KEY_ID.test(id)) throw new KeyringFormatError(`keyring key id "${id}" must match ${KEY_ID}`);
      if (key.length !== 32) throw new KeyringFormatError(`keyring key "${id}" must be base64 of 32 bytes`);
      decoded.set(id, key);
    }
    if (typeof current !== 'string' || !decoded.has(current)) {
      throw new KeyringFormatError('keyring "current" must name one of its keys');
    }
    return new Keyring(decoded, current);
  }

  static fromFile(path: string): Keyring {
    let document: unknown;
    try {
      document = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new KeyringFormatError(`keyring file ${path} is not readable JSON (${(error as Error).name})`);
    }
    return Keyring.fromJson(document);
  }

  /** The fixed development keyring: public, so never accepted in production. */
  static dev(): Keyring {
    const key = createHash('sha256').update('rekey development keyring, not a secret').digest();
    return new Keyring(new Map([['dev-1', key]]), 'dev-1');
  }

  /** Encrypts under the current key; `associatedData` binds the value to its context (e.g. its owner id). */
  encrypt(plaintext: string, associatedData = ''): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, iv);
    cipher.setAAD(this.aad(this.currentKeyId, associatedData));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [FORMAT, this.currentKeyId, iv.toString('base64url'), body.toString('base64url')].join('.');
  }

  /** Decrypts a value of {@link encrypt}; throws {@link SealedTokenError} if it cannot be opened. */
  decrypt(sealed: string, associatedData = ''): string {
    const [format, keyId, ivText, bodyText, ...rest] = sealed.split('.');
    const key = this.keys.get(keyId);
    if (format !== FORMAT || rest.length > 0 || key === undefined || !ivText || !bodyText) {
      throw new SealedTokenError('not a value this keyring sealed');
    }
    const iv = Buffer.from(ivText, 'base64url');
    const body = Buffer.from(bodyText, 'base64url');
    if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw new SealedTokenError('truncated sealed value');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(this.aad(keyId, associatedData));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SealedTokenError('sealed value failed authentication');
    }
  }

  /** Seals a JSON claims object into an opaque token; `purpose` keeps tokens of one kind from opening as another. */
  seal(claims: object, purpose: string): string {
    return this.encrypt(JSON.stringify(claims), `seal:${purpose}`);
  }

  open<T>(token: string, purpose: string): T {
    return JSON.parse(this.decrypt(token, `seal:${purpose}`)) as T;
  }

  /** A 32-byte key derived (HKDF-SHA256) from the current master key for another use, e.g. HMACs. */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.keys.get(this.currentKeyId)!, Buffer.alloc(0), `rekey:${purpose}`, 32));
  }

  private aad(keyId: string, associatedData: string): Buffer {
    return Buffer.from(`${FORMAT}\0${keyId}\0${associatedData}`, 'utf8');
  }
}
