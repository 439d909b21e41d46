import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { EVENT_TYPES, TunnelClosedData, TunnelOpenedData, TunnelTokenRotatedData } from '@rekey/contracts';
import { EventSubscription } from '@rekey/events';
import { SessionRegistry } from '../sessions/session-registry';
import { TunnelProjection, verifiersOf } from './tunnel-projection.service';

/** Durable: every event reaches the projection once, whichever replica handles it, from the topic's start. */
export const PROJECTION: EventSubscription = { group: 'tunnel-relay.projection', fromBeginning: true };
/** Broadcast: every replica sees every event as it comes, to cut its own peers. */
export const REVOCATIONS: EventSubscription = { group: 'tunnel-relay.revocations', broadcast: true };

/**
 * Consumes rekey.tunnels.v1 twice: into the projection (admission reads it), and on every replica
 * to cut the peers a rotation or a close revokes. The broadcast handlers apply the projection
 * too, so that a token is refused here no later than its peers are cut.
 */
@Controller()
export class TunnelsFeedController {
  constructor(
    private readonly projection: TunnelProjection,
    private readonly registry: SessionRegistry,
  ) {}

  @EventPattern(EVENT_TYPES.tunnels.TunnelOpened, PROJECTION)
  opened(@Payload() data: TunnelOpenedData): Promise<void> {
    return this.projection.apply(EVENT_TYPES.tunnels.TunnelOpened, data);
  }

  @EventPattern(EVENT_TYPES.tunnels.TokenRotated, PROJECTION)
  rotated(@Payload() data: TunnelTokenRotatedData): Promise<void> {
    return this.projection.apply(EVENT_TYPES.tunnels.TokenRotated, data);
  }

  @EventPattern(EVENT_TYPES.tunnels.TunnelClosed, PROJECTION)
  closed(@Payload() data: TunnelClosedData): Promise<void> {
    return this.projection.apply(EVENT_TYPES.tunnels.TunnelClosed, data);
  }

  @EventPattern(EVENT_TYPES.tunnels.TunnelOpened, REVOCATIONS)
  openedHere(@Payload() data: TunnelOpenedData): Promise<void> {
    return this.projection.apply(EVENT_TYPES.tunnels.TunnelOpened, data);
  }

  /** Peers first: cutting them needs nothing but the event, even while the database is away. */
  @EventPattern(EVENT_TYPES.tunnels.TokenRotated, REVOCATIONS)
  rotatedHere(@Payload() data: TunnelTokenRotatedData): Promise<void> {
    this.registry.revoke(data.resourceId, verifiersOf(data.tokens));
    return this.projection.apply(EVENT_TYPES.tunnels.TokenRotated, data);
  }

  @EventPattern(EVENT_TYPES.tunnels.TunnelClosed, REVOCATIONS)
  closedHere(@Payload() data: TunnelClosedData): Promise<void> {
    this.registry.closeTunnel(data.tunnelId);
    return this.projection.apply(EVENT_TYPES.tunnels.TunnelClosed, data);
  }
}
