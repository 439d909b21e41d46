import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { PeerMode } from '@rekey/contracts';
import { isLive } from '../projection/tunnel-view';
import { RelayMetrics } from '../relay.metrics';
import { PeerEvents } from '../tunnel-relay.events';
import { CLOSE } from './close-codes';
import { OTHER, Peer, TunnelEnd } from './peer';
import { TunnelSession } from './tunnel-session';

/** The tunnels with peers on this replica: joins, relays, and cuts peers when a token or tunnel dies. */
@Injectable()
export class SessionRegistry implements OnApplicationShutdown {
  private readonly sessions = new Map<string, TunnelSession>();
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly metrics: RelayMetrics,
    private readonly events: PeerEvents,
  ) {}

  /** Makes `peer` its tunnel's end of its mode, replacing (close frame) the previous one; its PeerConnected is ReplicaLinks' to record. */
  join(peer: Peer): void {
    const { tunnel } = peer.admission;
    let session = this.sessions.get(tunnel.id);
    if (!session) {
      session = new TunnelSession(tunnel.id, tunnel.services);
      this.sessions.set(tunnel.id, session);
      this.scheduleExpiry(tunnel.id, tunnel.expiresAt);
    }
    const replaced = session.attach(peer);
    if (replaced) this.replaced(replaced);
    this.metrics.peerJoined(peer.mode);
    const owner = session;
    peer.socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return peer.close(CLOSE.textFrame.code, CLOSE.textFrame.reason);
      this.metrics.relayed(owner.receive(peer, data));
    });
    peer.socket.on('close', () => this.leave(peer));
  }

  /** Cuts the peers of `tunnelId` whose token is no longer the current one of their mode. */
  revoke(tunnelId: string, currentVerifiers: Partial<Record<PeerMode, string>>): void {
    const session = this.sessions.get(tunnelId);
    if (!session) return;
    for (const [mode, verifier] of Object.entries(currentVerifiers) as Array<[PeerMode, string]>) {
      const peer = session.localPeer(mode);
      if (peer && peer.admission.verifier !== verifier) {
        peer.close(CLOSE.revoked.code, CLOSE.revoked.reason);
        this.metrics.revoked(mode);
      }
    }
  }

  /** The tunnel is closed, deleted or expired: every peer of it gets a close frame. */
  closeTunnel(tunnelId: string): void {
    this.sessions.get(tunnelId)?.closeAll(CLOSE.tunnelClosed.code, CLOSE.tunnelClosed.reason);
  }

  /** The session of a tunnel this replica holds an end of. */
  session(tunnelId: string): TunnelSession | undefined {
    return this.sessions.get(tunnelId);
  }

  /** Connections are cut without a close frame, so that clients reconnect to another replica. */
  onApplicationShutdown(): void {
    for (const timer of this.expiryTimers.values()) clearTimeout(timer);
    for (const session of this.sessions.values()) for (const mode of ['SOURCE', 'DESTINATION'] as const) session.localPeer(mode)?.drop();
  }

  /**
   * Attaches the link to another replica's end of `tunnelId` (replacing a local peer of that mode);
   * the session must exist, i.e. this replica holds the other end. False if it does not. A link
   * that `duplicates` the one it replaces (same remote peer) leaves the streams alone.
   */
  attachRemote(tunnelId: string, remote: TunnelEnd, duplicates = false): boolean {
    const session = this.sessions.get(tunnelId);
    if (!session) return false;
    const replaced = session.attach(remote, !duplicates);
    if (replaced) this.replaced(replaced);
    return true;
  }

  /** A link to another replica ended: the local end waits for a new partner. */
  detachRemote(tunnelId: string, remote: TunnelEnd): void {
    const session = this.sessions.get(tunnelId);
    session?.detach(remote);
    if (session?.empty) this.forget(tunnelId);
  }

  private replaced(end: TunnelEnd): void {
    end.close(CLOSE.replaced.code, CLOSE.replaced.reason);
    if (end instanceof Peer) this.metrics.peerGone(end.mode);
  }

  private leave(peer: Peer): void {
    const session = this.sessions.get(peer.tunnelId);
    if (!session?.detach(peer)) return;
    this.metrics.peerGone(peer.mode);
    this.events.disconnected(peer.admission, peer.channelId);
    // With no local proxy left, a link to another replica has nothing to carry.
    const other = OTHER[peer.mode];
    if (!session.localPeer(other)) {
      session.peer(other)?.close(CLOSE.tunnelClosed.code, 'Local end gone');
      this.forget(peer.tunnelId);
    }
  }

  private forget(tunnelId: string): void {
    this.sessions.delete(tunnelId);
    clearTimeout(this.expiryTimers.get(tunnelId));
    this.expiryTimers.delete(tunnelId);
  }

  private scheduleExpiry(tunnelId: string, expiresAt: Date): void {
    // setTimeout's range is 2^31-1 ms; tunnels live at most 12 hours.
    const timer = setTimeout(() => {
      if (!isLive({ state: 'OPEN', expiresAt }, new Date())) this.closeTunnel(tunnelId);
    }, Math.max(0, expiresAt.getTime() - Date.now()) + 10);
    timer.unref();
    this.expiryTimers.set(tunnelId, timer);
  }
}
