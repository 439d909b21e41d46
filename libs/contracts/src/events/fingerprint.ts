import { createHash } from 'node:crypto';

/**
 * What events carry instead of a token: `sha256:` + the first 16 lowercase hex characters of
 * SHA-256 of the token's UTF-8 bytes. Enough to match a token a holder already has, useless for
 * recovering it.
 */
export function fingerprint(token: string): string {
  return `sha256:${createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 16)}`;
}
