// class-transformer's @Type reads design-time types: importers of the contracts need not load this themselves.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Min, ValidateNested } from 'class-validator';
import { IsFingerprint, IsId, IsIsoTime, IsTenant, OrNull } from './event-fields';

export const ROTATED_TOKEN_KINDS = ['SecurityToken', 'SourceAccessToken', 'DestinationAccessToken'] as const;

/** One rotated token, as events describe it: never the token itself. */
export class RotatedToken {
  @IsIn(ROTATED_TOKEN_KINDS)
  kind!: (typeof ROTATED_TOKEN_KINDS)[number];

  /** See {@link fingerprint}. */
  @IsFingerprint()
  fingerprint!: string;

  /**
   * Tunnel access tokens only: the full lowercase hex SHA-256 of the token's UTF-8 bytes, which
   * the tunnel relay compares a presented token against. Never the token itself.
   */
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/)
  verifier?: string;

  /** ISO 8601 end of validity, or null when the token does not expire. */
  @OrNull(IsIsoTime())
  expiresAt!: string | null;
}

/** `data` of `rekey.bots.TokenRotated` and `rekey.tunnels.TokenRotated` (contracts.md). */
export class TokenRotatedData {
  @IsTenant()
  tenant!: string;

  @IsIn(['bot', 'tunnel'])
  resourceType!: 'bot' | 'tunnel';

  @IsId()
  resourceId!: string;

  /** The tunnel ARN; null for bots (Chime bots have no ARN). */
  @OrNull(IsId())
  resourceArn!: string | null;

  /** Bots only: the Chime account the bot belongs to. */
  @IsOptional()
  @IsId()
  chimeAccountId?: string;

  /** Tunnels only. */
  @IsOptional()
  @IsIn(['SOURCE', 'DESTINATION', 'ALL'])
  clientMode?: 'SOURCE' | 'DESTINATION' | 'ALL';

  /** Tunnels only, when the tunnel has a destination thing. */
  @IsOptional()
  @IsId()
  thingName?: string;

  /** 1 at creation, +1 per rotation of this resource: subscribers drop stale events with it. */
  @IsInt()
  @Min(1)
  generation!: number;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RotatedToken)
  tokens!: RotatedToken[];

  /** ISO 8601. */
  @IsIsoTime()
  rotatedAt!: string;
}

/** `data` of `rekey.chat.ChatTokenCreated` (contracts.md). */
export class ChatTokenCreatedData {
  @IsTenant()
  tenant!: string;

  @IsId()
  roomArn!: string;

  @IsId()
  userId!: string;

  @IsArray()
  @IsString({ each: true })
  capabilities!: string[];

  @IsIsoTime()
  sessionExpirationTime!: string;

  @IsIsoTime()
  tokenExpirationTime!: string;

  @IsFingerprint()
  fingerprint!: string;
}
