import { ChatTokenCapability } from '@rekey/contracts';
import { Keyring, SealedTokenError } from './keyring';

/** Keyring purpose of chat tokens: a token sealed for another purpose never opens as one. */
export const CHAT_TOKEN_PURPOSE = 'ivschat-token';

const CLAIMS_VERSION = 1;

/** What a chat token carries; times are ISO 8601. */
export interface ChatTokenClaims {
  tenant: string;
  roomArn: string;
  userId: string;
  capabilities: ChatTokenCapability[];
  attributes: Record<string, string>;
  /** When the token was issued: a revocation at or after it kills the token. */
  issuedAt: string;
  /** After it, the token no longer opens a connection. */
  tokenExpirationTime: string;
  /** After it, a connection made with the token ends. */
  sessionExpirationTime: string;
}

/** A chat token that must not be accepted; `reason` says why, never echoing the token. */
export class ChatTokenError extends Error {
  constructor(
    readonly reason: 'invalid' | 'expired',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Seals claims into an opaque chat token: AES-256-GCM under the keyring's current key, whose id
 * travels in the token so that the master key can rotate while issued tokens keep opening.
 */
export function sealChatToken(keyring: Keyring, claims: ChatTokenClaims): string {
  return keyring.seal({ v: CLAIMS_VERSION, ...claims }, CHAT_TOKEN_PURPOSE);
}

/**
 * Verifies a chat token and returns its claims (what the messaging gateway calls on connect).
 * Throws {@link ChatTokenError}: `invalid` for a tampered or truncated token, one of another
 * purpose or sealed under a key this keyring does not hold; `expired` once `now` is past its
 * `tokenExpirationTime`. Revocation (room deleted, user disconnected) is checked separately,
 * against the chat app's `revocations` collection.
 */
export function openChatToken(keyring: Keyring, token: string, now: Date = new Date()): ChatTokenClaims {
  let opened: ChatTokenClaims & { v?: number };
  try {
    opened = keyring.open<ChatTokenClaims & { v?: number }>(token, CHAT_TOKEN_PURPOSE);
  } catch (error) {
    if (error instanceof SealedTokenError || error instanceof SyntaxError) throw new ChatTokenError('invalid', 'not a valid chat token');
    throw error;
  }
  const { v, ...claims } = opened;
  if (v !== CLAIMS_VERSION) throw new ChatTokenError('invalid', 'unsupported chat token version');
  if (!(Date.parse(claims.tokenExpirationTime) > now.getTime())) throw new ChatTokenError('expired', 'chat token expired');
  return claims;
}
