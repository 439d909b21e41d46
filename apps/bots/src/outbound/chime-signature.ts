import { createHmac } from 'node:crypto';

/** The two headers Chime adds to every outgoing event (auth-bots.md). */
export const CHIME_SIGNATURE_HEADER = 'Chime-Signature';
export const CHIME_TIMESTAMP_HEADER = 'Chime-Request-Timestamp';

/**
 * `Chime-Signature` as Chime computes it and a bot developer verifies it:
 * Base64(HMAC-SHA256(key = UTF-8 token, data = UTF-8(timestamp + "|" + body))), standard Base64 with padding.
 */
export function chimeSignature(securityToken: string, timestamp: string, body: string): string {
  return createHmac('sha256', securityToken).update(`${timestamp}|${body}`).digest('base64');
}

/** `Chime-Request-Timestamp`: ISO 8601 UTC with milliseconds, e.g. `2019-04-04T21:30:43.181Z`. */
export function chimeTimestamp(at: Date = new Date()): string {
  return at.toISOString();
}

/** The headers of one signed POST; a retry calls this again, so each attempt has its own timestamp and signature. */
export function signedHeaders(securityToken: string, body: string, at: Date = new Date()): Record<string, string> {
  const timestamp = chimeTimestamp(at);
  return { [CHIME_TIMESTAMP_HEADER]: timestamp, [CHIME_SIGNATURE_HEADER]: chimeSignature(securityToken, timestamp, body) };
}
