import { Inject, Injectable } from '@nestjs/common';
import { PeerMode } from '@rekey/contracts';
import { METRICS_REGISTRY } from '@rekey/platform';
import { Counter, Gauge, Registry } from 'prom-client';
import { RefusalReason } from './sessions/handshake';

/** The relay's own metrics: peers connected, bytes relayed, refusals by reason, revocations. */
@Injectable()
export class RelayMetrics {
  private readonly peers: Gauge<'mode'>;
  private readonly bytes: Counter;
  private readonly refusals: Counter<'reason'>;
  private readonly revocations: Counter<'mode'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.peers = new Gauge({ name: 'rekey_tunnel_peers_connected', help: 'Local proxies connected to this replica, by mode', labelNames: ['mode'], registers: [registry] });
    this.bytes = new Counter({ name: 'rekey_tunnel_relayed_bytes_total', help: 'Protocol bytes relayed from one peer to the other', registers: [registry] });
    this.refusals = new Counter({ name: 'rekey_tunnel_refusals_total', help: 'Refused WebSocket upgrades, by reason', labelNames: ['reason'], registers: [registry] });
    this.revocations = new Counter({ name: 'rekey_tunnel_revocations_total', help: 'Peers cut because their access token was rotated, by mode', labelNames: ['mode'], registers: [registry] });
    for (const mode of ['SOURCE', 'DESTINATION']) this.peers.set({ mode }, 0);
  }

  peerJoined(mode: PeerMode): void {
    this.peers.inc({ mode });
  }

  peerGone(mode: PeerMode): void {
    this.peers.dec({ mode });
  }

  relayed(bytes: number): void {
    if (bytes > 0) this.bytes.inc(bytes);
  }

  refused(reason: RefusalReason): void {
    this.refusals.inc({ reason });
  }

  revoked(mode: PeerMode): void {
    this.revocations.inc({ mode });
  }
}
