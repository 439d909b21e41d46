/** One rotated token, as events describe it: never the token itself. */
export interface RotatedToken {
  kind: 'SecurityToken' | 'SourceAccessToken' | 'DestinationAccessToken';
  /** See {@link fingerprint}. */
  fingerprint: string;
  /**
   * Tunnel access tokens only: the full lowercase hex SHA-256 of the token's UTF-8 bytes, which
   * the tunnel relay compares a presented token against. Never the token itself.
   */
  verifier?: string;
  /** ISO 8601 end of validity, or null when the token does not expire. */
  expiresAt: string | null;
}

/** `data` of `rekey.bots.TokenRotated` and `rekey.tunnels.TokenRotated` (contracts.md). */
export interface TokenRotatedData {
  tenant: string;
  resourceType: 'bot' | 'tunnel';
  resourceId: string;
  /** The tunnel ARN; null for bots (Chime bots have no ARN). */
  resourceArn: string | null;
  /** Bots only: the Chime account the bot belongs to. */
  chimeAccountId?: string;
  /** Tunnels only. */
  clientMode?: 'SOURCE' | 'DESTINATION' | 'ALL';
  /** Tunnels only, when the tunnel has a destination thing. */
  thingName?: string;
  /** 1 at creation, +1 per rotation of this resource: subscribers drop stale events with it. */
  generation: number;
  tokens: RotatedToken[];
  /** ISO 8601. */
  rotatedAt: string;
}

/** `data` of `rekey.chat.ChatTokenCreated` (contracts.md). */
export interface ChatTokenCreatedData {
  tenant: string;
  roomArn: string;
  userId: string;
  capabilities: string[];
  sessionExpirationTime: string;
  tokenExpirationTime: string;
  fingerprint: string;
}
