// class-transformer's @Type reads design-time types: importers of the contracts need not load this themselves.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { IsId, IsIsoTime, IsTenant } from '../events/event-fields';
import { RotatedToken, TokenRotatedData } from '../events/token-rotated';
import { CLIENT_MODES, ClientMode } from './tunnels.requests';

/** Keyring seal purpose of the destination access token carried by tunnel events. */
export const DESTINATION_TOKEN_SEAL_PURPOSE = 'tunnel-destination-token';

/**
 * Claims inside `sealedDestinationAccessToken`: open with
 * `keyring.open<SealedDestinationToken>(sealed, DESTINATION_TOKEN_SEAL_PURPOSE)` and check that
 * `tunnelId` is the event's key. Only a holder of the keyring (the device notifier) can open it.
 */
export interface SealedDestinationToken {
  tunnelId: string;
  destinationAccessToken: string;
}

/** What the tunnel events carry for the device notifier, when the tunnel has a destination thing. */
export class DestinationTokenDelivery {
  /**
   * The new destination access token sealed with the keyring (purpose
   * {@link DESTINATION_TOKEN_SEAL_PURPOSE}), present only when a destination token was issued and
   * the tunnel has a `thingName` to deliver it to, as AWS does over MQTT. Never the token in clear.
   */
  @IsOptional()
  @IsId()
  sealedDestinationAccessToken?: string;
}

/** `data` of `rekey.tunnels.TunnelOpened`. */
export class TunnelOpenedData extends DestinationTokenDelivery {
  @IsTenant()
  tenant!: string;

  @IsId()
  tunnelId!: string;

  @IsId()
  tunnelArn!: string;

  @IsOptional()
  @IsString()
  description?: string;

  @IsOptional()
  @IsId()
  thingName?: string;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  services?: string[];

  /** The tunnel's lifetime (maxLifetimeTimeoutMinutes). */
  @IsInt()
  @Min(1)
  lifetimeMinutes!: number;

  /** ISO 8601. */
  @IsIsoTime()
  createdAt!: string;

  /** ISO 8601 end of life: the tunnel closes and its tokens die then, rotation or not. */
  @IsIsoTime()
  expiresAt!: string;

  /** Always 1: the generation of the tokens issued at open. */
  @IsInt()
  @Min(1)
  generation!: number;

  /** The source and destination tokens issued, by fingerprint. */
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RotatedToken)
  tokens!: RotatedToken[];
}

/** `data` of `rekey.tunnels.TokenRotated`: the shared TokenRotatedData plus the sealed destination token. */
export class TunnelTokenRotatedData extends TokenRotatedData {
  @IsIn(['tunnel'])
  override resourceType!: 'tunnel';

  @IsId()
  override resourceArn!: string;

  @IsIn(CLIENT_MODES)
  override clientMode!: ClientMode;

  /** As in {@link DestinationTokenDelivery}. */
  @IsOptional()
  @IsId()
  sealedDestinationAccessToken?: string;
}

/** Why a tunnel closed: CloseTunnel, or its lifetime ran out. */
export type TunnelCloseReason = 'CLOSED' | 'EXPIRED';

/**
 * `data` of `rekey.tunnels.TunnelClosed`: published once when a tunnel closes (by CloseTunnel or,
 * for expiry, by whichever of CloseTunnel or the sweeper first records it), and once more with
 * `deleted: true` if an already closed tunnel is deleted with `CloseTunnel(delete=true)`.
 */
export class TunnelClosedData {
  @IsTenant()
  tenant!: string;

  @IsId()
  tunnelId!: string;

  @IsId()
  tunnelArn!: string;

  @IsOptional()
  @IsId()
  thingName?: string;

  @IsIn(['CLOSED', 'EXPIRED'])
  reason!: TunnelCloseReason;

  /** True when the tunnel's data was deleted (`CloseTunnel` with `delete`). */
  @IsBoolean()
  deleted!: boolean;

  /** ISO 8601: when it closed (for expiry, its end of life). */
  @IsIsoTime()
  closedAt!: string;
}
