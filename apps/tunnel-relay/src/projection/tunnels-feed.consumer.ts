import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_TYPES, TOPICS, TunnelClosedData, TunnelTokenRotatedData } from '@rekey/contracts';
import { EventSubscriber, ReceivedEvent } from '@rekey/events';
import { REKEY_CONFIG, RekeyConfig } from '@rekey/platform';
import { consumerGroup } from '../consumer-groups';
import { SessionRegistry } from '../sessions/session-registry';
import { TunnelProjection, verifiersOf } from './tunnel-projection.service';

/** Broadcast: every replica sees every event as it comes, to cut its own peers. */
const REVOCATION_GROUP = 'tunnel-relay.revocations';
const PARTITIONS_AT_ONCE = 6;

/**
 * Consumes rekey.tunnels.v1 twice: into the projection (admission reads it), and on every replica
 * to cut the peers a rotation or a close revokes. The broadcast handler applies the projection
 * too, so that a token is refused here no later than its peers are cut.
 */
@Injectable()
export class TunnelsFeedConsumer implements OnApplicationBootstrap {
  private running = 0;
  /** Durable: every event reaches the projection once, whichever replica handles it, from the topic's start. */
  readonly projectionGroup: string;

  constructor(
    @Inject(REKEY_CONFIG) config: RekeyConfig,
    private readonly subscriber: EventSubscriber,
    private readonly projection: TunnelProjection,
    private readonly registry: SessionRegistry,
  ) {
    this.projectionGroup = consumerGroup(config, 'projection');
  }

  /** True once both subscriptions run. */
  get subscribed(): boolean {
    return this.running === 2;
  }

  onApplicationBootstrap(): void {
    const started = () => (this.running += 1);
    // Both handlers are idempotent (generation-guarded writes, cuts of peers already gone do nothing).
    const shared = { topics: [TOPICS.tunnels], idempotent: true, partitionsConsumedConcurrently: PARTITIONS_AT_ONCE };
    this.subscriber.subscribeInBackground({ ...shared, groupId: this.projectionGroup, fromBeginning: true, handle: (event) => this.projection.apply(event) }, started);
    this.subscriber.subscribeInBackground({ ...shared, groupId: REVOCATION_GROUP, broadcast: true, handle: (event) => this.enforce(event) }, started);
  }

  /** Applies `event` and cuts the local peers it revokes. */
  async enforce(event: ReceivedEvent): Promise<void> {
    // Peers first: cutting them needs nothing but the event, even while the database is away.
    if (event.type === EVENT_TYPES.tunnels.TokenRotated) {
      const data = event.data as TunnelTokenRotatedData;
      this.registry.revoke(data.resourceId, verifiersOf(data.tokens));
    } else if (event.type === EVENT_TYPES.tunnels.TunnelClosed) {
      this.registry.closeTunnel((event.data as TunnelClosedData).tunnelId);
    }
    await this.projection.apply(event);
  }
}
