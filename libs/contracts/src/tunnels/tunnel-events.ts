import { RotatedToken, TokenRotatedData } from '../events/token-rotated';
import { ClientMode } from './tunnels.requests';

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
export interface DestinationTokenDelivery {
  /**
   * The new destination access token sealed with the keyring (purpose
   * {@link DESTINATION_TOKEN_SEAL_PURPOSE}), present only when a destination token was issued and
   * the tunnel has a `thingName` to deliver it to, as AWS does over MQTT. Never the token in clear.
   */
  sealedDestinationAccessToken?: string;
}

/** `data` of `rekey.tunnels.TunnelOpened`. */
export interface TunnelOpenedData extends DestinationTokenDelivery {
  tenant: string;
  tunnelId: string;
  tunnelArn: string;
  description?: string;
  thingName?: string;
  services?: string[];
  /** The tunnel's lifetime (maxLifetimeTimeoutMinutes). */
  lifetimeMinutes: number;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601 end of life: the tunnel closes and its tokens die then, rotation or not. */
  expiresAt: string;
  /** Always 1: the generation of the tokens issued at open. */
  generation: number;
  /** The source and destination tokens issued, by fingerprint. */
  tokens: RotatedToken[];
}

/** `data` of `rekey.tunnels.TokenRotated`: the shared TokenRotatedData plus the sealed destination token. */
export interface TunnelTokenRotatedData extends TokenRotatedData, DestinationTokenDelivery {
  resourceType: 'tunnel';
  resourceArn: string;
  clientMode: ClientMode;
}

/** Why a tunnel closed: CloseTunnel, or its lifetime ran out. */
export type TunnelCloseReason = 'CLOSED' | 'EXPIRED';

/**
 * `data` of `rekey.tunnels.TunnelClosed`: published once when a tunnel closes (by CloseTunnel or,
 * for expiry, by whichever of CloseTunnel or the sweeper first records it), and once more with
 * `deleted: true` if an already closed tunnel is deleted with `CloseTunnel(delete=true)`.
 */
export interface TunnelClosedData {
  tenant: string;
  tunnelId: string;
  tunnelArn: string;
  thingName?: string;
  reason: TunnelCloseReason;
  /** True when the tunnel's data was deleted (`CloseTunnel` with `delete`). */
  deleted: boolean;
  /** ISO 8601: when it closed (for expiry, its end of life). */
  closedAt: string;
}
