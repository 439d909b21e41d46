import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { PeriodicTask, REKEY_CONFIG, RekeyConfig } from '@rekey/platform';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Peer } from '../sessions/peer';
import { SessionRegistry } from '../sessions/session-registry';
import { PeerEvents } from '../tunnel-relay.events';
import { PeerHolding, PeersRepository } from './peers.repository';

/** Lapsed ends one replica records as gone per round. */
const EXPIRED_PER_ROUND = 100;

/**
 * This replica in `peers`: the ends it holds are recorded with its URL, its process and a lease
 * it renews three times per lease. Every replica records the departure (PeerDisconnected) of
 * ends whose lease lapsed, so that a replica that dies without a word leaves no end CONNECTED
 * and no other replica links to it.
 */
@Injectable()
export class PeerLeases implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PeerLeases.name);
  /** This process: a replica restarted at the same URL is another holder. */
  readonly instance = randomUUID();
  private advertised?: string;
  private readonly renewal = new PeriodicTask(this.logger, 'renewing peer leases', () => this.renewAndSweep());

  constructor(
    @Inject(REKEY_CONFIG) private readonly config: RekeyConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly peers: PeersRepository,
    private readonly events: PeerEvents,
    private readonly registry: SessionRegistry,
  ) {}

  /** How other replicas reach this one: REKEY_RELAY_ADVERTISED_URL, else this server's own port on loopback. */
  get advertisedUrl(): string {
    if (this.advertised === undefined) {
      const { port } = (this.adapterHost.httpAdapter.getHttpServer() as Server).address() as AddressInfo;
      this.advertised = this.config.relayAdvertisedUrl ?? `${this.config.tls ? 'wss' : 'ws'}://127.0.0.1:${port}`;
    }
    return this.advertised;
  }

  /** The record of `peer` held here, with a fresh lease. */
  holding(peer: Peer): PeerHolding {
    const { tunnel, mode } = peer.admission;
    return { tunnelId: tunnel.id, mode, tenant: tunnel.tenant, arn: tunnel.arn, channelId: peer.channelId, replica: this.advertisedUrl, instance: this.instance, leaseUntil: this.leaseUntil() };
  }

  onApplicationBootstrap(): void {
    this.renewal.start(this.config.relayPeerLeaseMs / 3);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.renewal.stop();
  }

  private leaseUntil(): Date {
    return new Date(Date.now() + this.config.relayPeerLeaseMs);
  }

  private async renewAndSweep(): Promise<void> {
    await this.peers.renew(this.instance, this.leaseUntil());
    // Ends recorded as gone while this replica still holds them (it could not renew for a whole lease).
    for (const lapsed of await this.peers.lapsed(this.instance)) {
      const peer = this.registry.session(lapsed.tunnelId)?.localPeer(lapsed.mode);
      if (peer?.channelId === lapsed.channelId) await this.events.reclaimed(this.holding(peer));
    }
    const now = new Date();
    for (const expired of await this.peers.expired(now, EXPIRED_PER_ROUND)) await this.events.expired(expired, now);
  }
}
