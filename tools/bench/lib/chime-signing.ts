import { createHmac } from 'node:crypto';

// Chime's event signature as auth-bots.md specifies it, for the bench's ceilings and checks (the
// bots app's own code is an app's, which tools cannot import).

/** Base64(HMAC-SHA256(token, timestamp + "|" + body)). */
export const chimeSignature = (token: string, timestamp: string, body: string) => createHmac('sha256', token).update(`${timestamp}|${body}`).digest('base64');

/** The headers of a signed event POST, with a fresh timestamp. */
export function chimeHeaders(token: string, body: string): Record<string, string> {
  const timestamp = new Date().toISOString();
  return { 'content-type': 'application/json', 'Chime-Request-Timestamp': timestamp, 'Chime-Signature': chimeSignature(token, timestamp, body) };
}
