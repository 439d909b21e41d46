import { Injectable, Logger } from '@nestjs/common';
import { EVENT_TYPES, PeerConnectionData } from '@rekey/contracts';
import { newEvent } from '@rekey/events';
import { setTimeout as sleep } from 'node:timers/promises';
import { PeersRepository } from './peers/peers.repository';
import { Admission } from './sessions/admission.service';

const ATTEMPTS = 5;

/** What the relay publishes on rekey.tunnel-relay.v1 (key = tunnel id): peers joining and leaving. Never a token. */
@Injectable()
export class PeerEvents {
  private readonly logger = new Logger(PeerEvents.name);

  constructor(private readonly peers: PeersRepository) {}

  /** Resolves once recorded (or given up on): other replicas find the end's holder from then on. */
  connected(admission: Admission, channelId: string, replica: string): Promise<void> {
    const event = this.event(EVENT_TYPES['tunnel-relay'].PeerConnected, admission);
    return this.record(() => this.peers.connected(admission.tunnel.id, admission.mode, channelId, replica, event));
  }

  disconnected(admission: Admission, channelId: string): void {
    const event = this.event(EVENT_TYPES['tunnel-relay'].PeerDisconnected, admission);
    void this.record(() => this.peers.disconnected(admission.tunnel.id, admission.mode, channelId, event));
  }

  private event(type: string, { tunnel, mode }: Admission) {
    const data: PeerConnectionData = { tenant: tunnel.tenant, tunnelId: tunnel.id, tunnelArn: tunnel.arn, mode, at: new Date().toISOString() };
    return newEvent('tunnel-relay', { type, subject: tunnel.arn, tenant: tunnel.tenant, key: tunnel.id, data });
  }

  /** A socket event has no caller to fail: the write is retried while the database is briefly away. */
  private async record(write: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await write();
        return;
      } catch (error) {
        if (attempt >= ATTEMPTS) {
          this.logger.error(`peer event not recorded after ${ATTEMPTS} attempts: ${(error as Error).message}`);
          return;
        }
        await sleep(200 * 2 ** attempt);
      }
    }
  }
}
