import { Injectable, Logger } from '@nestjs/common';
import { EVENT_TYPES, PeerConnectionData } from '@rekey/contracts';
import { newEvent } from '@rekey/events';
import { setTimeout as sleep } from 'node:timers/promises';
import { PeerHolding, PeersRepository, StoredPeer } from './peers/peers.repository';
import { Admission } from './sessions/admission.service';

const ATTEMPTS = 5;

type EndOf = Pick<PeerHolding, 'tenant' | 'tunnelId' | 'arn' | 'mode'>;

/** What the relay publishes on rekey.tunnel-relay.v1 (key = tunnel id): peers joining and leaving. Never a token. */
@Injectable()
export class PeerEvents {
  private readonly logger = new Logger(PeerEvents.name);

  constructor(private readonly peers: PeersRepository) {}

  /**
   * Records the end's new holder (PeerConnected); other replicas find it from then on. Resolves
   * with the record it replaced (undefined if none, or if it could not be written).
   */
  connected(holding: PeerHolding): Promise<StoredPeer | undefined> {
    return this.record(() => this.peers.connected(holding, this.event(EVENT_TYPES['tunnel-relay'].PeerConnected, holding)));
  }

  disconnected(admission: Admission, channelId: string): void {
    const { tunnel, mode } = admission;
    const event = this.event(EVENT_TYPES['tunnel-relay'].PeerDisconnected, { tenant: tunnel.tenant, tunnelId: tunnel.id, arn: tunnel.arn, mode });
    void this.record(() => this.peers.disconnected(tunnel.id, mode, channelId, event));
  }

  /** The end's holder stopped renewing its lease (its replica died): PeerDisconnected, once across replicas. */
  expired(peer: StoredPeer, now: Date): Promise<void> {
    return this.peers.expire(peer, now, this.event(EVENT_TYPES['tunnel-relay'].PeerDisconnected, peer));
  }

  /** A holder cut off from the database for longer than its lease takes its live end back (PeerConnected again). */
  reclaimed(holding: PeerHolding): Promise<void> {
    return this.peers.reclaim(holding, this.event(EVENT_TYPES['tunnel-relay'].PeerConnected, holding));
  }

  private event(type: string, { tenant, tunnelId, arn, mode }: EndOf) {
    const data: PeerConnectionData = { tenant, tunnelId, tunnelArn: arn, mode, at: new Date().toISOString() };
    return newEvent('tunnel-relay', { type, subject: arn, tenant, key: tunnelId, data });
  }

  /** A socket event has no caller to fail: the write is retried while the database is briefly away. */
  private async record<T>(write: () => Promise<T>): Promise<T | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await write();
      } catch (error) {
        if (attempt >= ATTEMPTS) {
          this.logger.error(`peer event not recorded after ${ATTEMPTS} attempts: ${(error as Error).message}`);
          return undefined;
        }
        await sleep(200 * 2 ** attempt);
      }
    }
  }
}
