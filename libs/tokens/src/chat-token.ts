import { ChatTokenCapability, CreateChatTokenRequest, DEFAULT_SESSION_DURATION_MINUTES } from '@rekey/contracts';
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

/**
 * How long a token can be used to connect: one minute, as the IVS Chat API documents ("The token
 * is valid for one minute"), or less when the session ends sooner. A connection opened with the
 * token lasts until sessionExpirationTime; each token opens one connection only.
 */
export const TOKEN_LIFETIME_MS = 60_000;

/** The claims of a token issued at `now` for a validated CreateChatToken request of `tenant`. */
export function chatTokenClaims(tenant: string, input: CreateChatTokenRequest, now = Date.now()): ChatTokenClaims {
  const sessionEnd = now + (input.sessionDurationInMinutes ?? DEFAULT_SESSION_DURATION_MINUTES) * 60_000;
  return {
    tenant,
    roomArn: input.roomIdentifier,
    userId: input.userId,
    capabilities: [...new Set(input.capabilities ?? [])],
    attributes: input.attributes ?? {},
    issuedAt: new Date(now).toISOString(),
    tokenExpirationTime: new Date(Math.min(now + TOKEN_LIFETIME_MS, sessionEnd)).toISOString(),
    sessionExpirationTime: new Date(sessionEnd).toISOString(),
  };
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
 * `tokenExpirationTime`. Single use and revocation (room deleted, user disconnected) are the
 * gateway's to check.
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
