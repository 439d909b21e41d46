import { Inject, Injectable } from '@nestjs/common';
import {
  DESTINATION_TOKEN_SEAL_PURPOSE,
  DestinationTokenDelivery,
  EVENT_TYPES,
  fingerprint,
  RotatedToken,
  SealedDestinationToken,
  TunnelClosedData,
  TunnelOpenedData,
  TunnelTokenRotatedData,
} from '@rekey/contracts';
import { newEvent, RekeyEvent } from '@rekey/events';
import { Keyring, KEYRING, sha256Hex } from '@rekey/tokens';
import { AccessMode, TOKEN_KINDS, TunnelRecord } from './tunnel';

/** Tokens just issued, by mode; they exist only in memory and in the caller's response. */
export type IssuedTokens = Partial<Record<AccessMode, string>>;

/** Builds the events of rekey.tunnels.v1: key = tunnel id, subject = tunnel ARN. Tokens appear only as fingerprints, or sealed. */
@Injectable()
export class TunnelEvents {
  constructor(@Inject(KEYRING) private readonly keyring: Keyring) {}

  opened(tunnel: TunnelRecord, tokens: IssuedTokens): RekeyEvent<TunnelOpenedData> {
    const destination = tunnel.destinationConfig;
    return this.event(tunnel, EVENT_TYPES.tunnels.TunnelOpened, {
      tenant: tunnel.tenant,
      tunnelId: tunnel.id,
      tunnelArn: tunnel.arn,
      ...(tunnel.description !== undefined && { description: tunnel.description }),
      ...(destination?.thingName !== undefined && { thingName: destination.thingName }),
      ...(destination && { services: destination.services }),
      lifetimeMinutes: tunnel.lifetimeMinutes,
      createdAt: tunnel.createdAt.toISOString(),
      expiresAt: tunnel.expiresAt.toISOString(),
      generation: tunnel.generation,
      tokens: this.rotatedTokens(tunnel, tokens),
      ...this.delivery(tunnel, tokens),
    });
  }

  /** `tunnel` is the state after the rotation (new generation and destination config). */
  tokenRotated(tunnel: TunnelRecord, clientMode: TunnelTokenRotatedData['clientMode'], tokens: IssuedTokens, rotatedAt: Date): RekeyEvent<TunnelTokenRotatedData> {
    const thingName = tunnel.destinationConfig?.thingName;
    return this.event(tunnel, EVENT_TYPES.tunnels.TokenRotated, {
      tenant: tunnel.tenant,
      resourceType: 'tunnel',
      resourceId: tunnel.id,
      resourceArn: tunnel.arn,
      clientMode,
      ...(thingName !== undefined && { thingName }),
      generation: tunnel.generation,
      tokens: this.rotatedTokens(tunnel, tokens),
      rotatedAt: rotatedAt.toISOString(),
      ...this.delivery(tunnel, tokens),
    });
  }

  closed(tunnel: TunnelRecord, close: Pick<TunnelClosedData, 'reason' | 'deleted'> & { closedAt: Date }): RekeyEvent<TunnelClosedData> {
    const thingName = tunnel.destinationConfig?.thingName;
    return this.event(tunnel, EVENT_TYPES.tunnels.TunnelClosed, {
      tenant: tunnel.tenant,
      tunnelId: tunnel.id,
      tunnelArn: tunnel.arn,
      ...(thingName !== undefined && { thingName }),
      reason: close.reason,
      deleted: close.deleted,
      closedAt: close.closedAt.toISOString(),
    });
  }

  private event<T>(tunnel: TunnelRecord, type: string, data: T): RekeyEvent<T> {
    return newEvent('tunnels', { type, subject: tunnel.arn, tenant: tunnel.tenant, key: tunnel.id, data });
  }

  /** One entry per issued token, living until the tunnel's end of life (rotation never extends it). */
  private rotatedTokens(tunnel: TunnelRecord, tokens: IssuedTokens): RotatedToken[] {
    return (['SOURCE', 'DESTINATION'] as const)
      .filter((mode) => tokens[mode] !== undefined)
      .map((mode) => ({
        kind: TOKEN_KINDS[mode],
        fingerprint: fingerprint(tokens[mode]!),
        verifier: sha256Hex(tokens[mode]!),
        expiresAt: tunnel.expiresAt.toISOString(),
      }));
  }

  /** The new destination token, sealed for the device notifier, when there is a thing to deliver it to. */
  private delivery(tunnel: TunnelRecord, tokens: IssuedTokens): DestinationTokenDelivery {
    const token = tokens.DESTINATION;
    if (token === undefined || tunnel.destinationConfig?.thingName === undefined) return {};
    const claims: SealedDestinationToken = { tunnelId: tunnel.id, destinationAccessToken: token };
    return { sealedDestinationAccessToken: this.keyring.seal(claims, DESTINATION_TOKEN_SEAL_PURPOSE) };
  }
}
