import { Injectable } from '@nestjs/common';
import { EVENT_TYPES, PeerMode, RotatedToken, TunnelClosedData, TunnelOpenedData, TunnelTokenRotatedData } from '@rekey/contracts';
import { TunnelViewsRepository } from './tunnel-views.repository';

const MODE_OF_KIND: Partial<Record<RotatedToken['kind'], PeerMode>> = { SourceAccessToken: 'SOURCE', DestinationAccessToken: 'DESTINATION' };

/** The verifier of each mode an event issued a token for. */
export function verifiersOf(tokens: RotatedToken[]): Partial<Record<PeerMode, string>> {
  const verifiers: Partial<Record<PeerMode, string>> = {};
  for (const token of tokens) {
    const mode = MODE_OF_KIND[token.kind];
    if (mode && token.verifier) verifiers[mode] = token.verifier;
  }
  return verifiers;
}

/** Keeps the relay's view of the tunnels from rekey.tunnels.v1; applying an event twice changes nothing. */
@Injectable()
export class TunnelProjection {
  constructor(private readonly views: TunnelViewsRepository) {}

  async apply(type: string, payload: TunnelOpenedData | TunnelTokenRotatedData | TunnelClosedData): Promise<void> {
    switch (type) {
      case EVENT_TYPES.tunnels.TunnelOpened: {
        const data = payload as TunnelOpenedData;
        const verifiers = verifiersOf(data.tokens);
        return this.views.insertOpened({
          id: data.tunnelId,
          tenant: data.tenant,
          arn: data.tunnelArn,
          state: 'OPEN',
          expiresAt: new Date(data.expiresAt),
          services: data.services ?? [],
          ...(data.thingName !== undefined && { thingName: data.thingName }),
          generation: data.generation,
          sourceVerifier: verifiers.SOURCE,
          destinationVerifier: verifiers.DESTINATION,
        });
      }
      case EVENT_TYPES.tunnels.TokenRotated: {
        const data = payload as TunnelTokenRotatedData;
        return this.views.applyRotation(data.resourceId, data.generation, verifiersOf(data.tokens));
      }
      case EVENT_TYPES.tunnels.TunnelClosed: {
        const data = payload as TunnelClosedData;
        return this.views.markClosed(data.tunnelId, data.deleted);
      }
    }
  }
}
