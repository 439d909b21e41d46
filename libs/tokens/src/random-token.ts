import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A token from the CSPRNG: `bytes` random bytes as base64 (30 bytes, 240 bits -> 40 characters). */
export function generateToken(bytes = 30): string {
  return randomBytes(bytes).toString('base64');
}

/** Hex SHA-256 of the token's UTF-8 bytes: what is stored for tokens that are shown only once. */
export function sha256Hex(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Equality of two secrets in time that does not depend on where they differ. Both sides are
 * hashed first so that inputs of different lengths take the same path too.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a, 'utf8').digest();
  const digestB = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB);
}

const IVSCHAT_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Bytes at or above this would bias `% 62`: they are drawn again. */
const UNBIASED_LIMIT = 256 - (256 % IVSCHAT_ID_ALPHABET.length);

/** A fresh IVS Chat id (`RoomID`, `ID` of an operation, a message or an event): 12 letters or digits from the CSPRNG. */
export function newIvschatId(): string {
  let id = '';
  while (id.length < 12) {
    for (const byte of randomBytes(16)) {
      if (byte < UNBIASED_LIMIT && id.length < 12) id += IVSCHAT_ID_ALPHABET[byte % IVSCHAT_ID_ALPHABET.length];
    }
  }
  return id;
}
