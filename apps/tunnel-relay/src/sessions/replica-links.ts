import { Inject, Injectable, Logger } from '@nestjs/common';
import { PeerMode } from '@rekey/contracts';
import { Keyring, KEYRING } from '@rekey/tokens';
import { MAX_WEBSOCKET_FRAME_BYTES, MessageDeframer, ProtocolVersion, SUBPROTOCOLS, TunnelMessage } from '@rekey/tunnel-protocol';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { PeerLeases } from '../peers/peer-leases';
import { PeersRepository, StoredPeer } from '../peers/peers.repository';
import { RelayMetrics } from '../relay.metrics';
import { PeerEvents } from '../tunnel-relay.events';
import { CLOSE } from './close-codes';
import { HandshakeRefusal, HttpAnswer } from './handshake';
import { OTHER, Peer, sendPacked, TunnelEnd } from './peer';
import { SessionRegistry } from './session-registry';

/** Path of the replica-to-replica link, next to /tunnel on the same port. */
export const LINK_PATH = '/relay-link';
const LINK_HEADER = 'x-rekey-link';
const VERSION_HEADER = 'x-rekey-peer-version';
const CHANNEL_HEADER = 'x-rekey-peer-channel';
const LINK_SEAL_PURPOSE = 'tunnel-relay-link';
const LINK_TTL_MS = 30_000;
/** A replica that does not answer a link within this is taken for gone. */
const LINK_HANDSHAKE_TIMEOUT_MS = 2_000;

/** What a link request proves, sealed with the shared keyring: which peer of which tunnel the opener holds. */
interface LinkClaims {
  tunnelId: string;
  mode: PeerMode;
  version: ProtocolVersion;
  /** The opener's peer (its `channel-id`). */
  channelId: string;
  /** The opener's advertised URL. */
  opener: string;
  exp: number;
  /** Not a link: the receiver must close its peer of `mode` with this `channel-id`, which the opener's peer replaced. */
  evict?: string;
}

const VERSIONS = new Set<number>(Object.values(SUBPROTOCOLS));

/** The end of a tunnel held by another replica, reached through a WebSocket link to it. */
class RemoteEnd implements TunnelEnd {
  readonly deframer = new MessageDeframer();

  constructor(
    readonly mode: PeerMode,
    readonly version: ProtocolVersion,
    readonly socket: WebSocket,
    /** The remote peer this link stands for (its `channel-id`). */
    readonly peerChannel: string,
    /** Advertised URL of the replica that opened the link. */
    readonly opener: string,
  ) {}

  send(messages: Array<Buffer | TunnelMessage>, paced?: WebSocket): number {
    return this.socket.readyState === WebSocket.OPEN ? sendPacked(this.socket, messages, paced) : 0;
  }

  close(): void {
    this.socket.close(1000);
  }
}

/**
 * Joins the two ends of a tunnel held by different replicas: each replica records in `peers` the
 * ends it holds; one that admits a peer whose other end is held elsewhere opens a WebSocket link
 * to that replica (its advertised URL), authenticated by a short-lived claim sealed with the
 * shared keyring. Each side then treats the link as the tunnel's other end; messages are checked
 * and adapted by the replica of the peer that sent them, and relayed verbatim by the other. A peer
 * that replaces one held by another replica has that replica close it (an eviction request on the
 * same path); two replicas that link the same two peers at once both keep the link opened by the
 * replica whose URL sorts first.
 */
@Injectable()
export class ReplicaLinks {
  private readonly logger = new Logger(ReplicaLinks.name);
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WEBSOCKET_FRAME_BYTES, perMessageDeflate: false });

  constructor(
    @Inject(KEYRING) private readonly keyring: Keyring,
    private readonly registry: SessionRegistry,
    private readonly peers: PeersRepository,
    private readonly events: PeerEvents,
    private readonly leases: PeerLeases,
    private readonly metrics: RelayMetrics,
  ) {}

  /**
   * Records `peer` as its end's holder (PeerConnected), has the replica holding the peer it
   * replaces close that one, then links to the replica holding the other end, if another one does.
   */
  async joinAcrossReplicas(peer: Peer): Promise<void> {
    const previous = await this.events.connected(this.leases.holding(peer));
    if (previous && this.heldElsewhere(previous)) void this.evict(previous, peer);
    const other = await this.peers.holder(peer.tunnelId, OTHER[peer.mode], new Date());
    const session = this.registry.session(peer.tunnelId);
    if (!other || other === this.leases.advertisedUrl || !session || session.localPeer(peer.mode) !== peer || session.peer(OTHER[peer.mode])) return;
    await this.connect(other, peer);
  }

  /** Held, under a live lease, by another replica process. */
  private heldElsewhere(previous: StoredPeer): boolean {
    return previous.status === 'CONNECTED' && previous.instance !== this.leases.instance && previous.leaseUntil > new Date() && Boolean(previous.replica && previous.channelId);
  }

  private claims(peer: Peer, evict?: string): string {
    const claims: LinkClaims = { tunnelId: peer.tunnelId, mode: peer.mode, version: peer.version, channelId: peer.channelId, opener: this.leases.advertisedUrl, exp: Date.now() + LINK_TTL_MS, ...(evict && { evict }) };
    return this.keyring.seal(claims, LINK_SEAL_PURPOSE);
  }

  private open(replicaUrl: string, claims: string): WebSocket {
    return new WebSocket(`${replicaUrl}${LINK_PATH}`, {
      headers: { [LINK_HEADER]: claims },
      perMessageDeflate: false,
      maxPayload: MAX_WEBSOCKET_FRAME_BYTES,
      handshakeTimeout: LINK_HANDSHAKE_TIMEOUT_MS,
    });
  }

  /** Asks the replica holding the peer `peer` replaced to close it. */
  private evict(previous: StoredPeer, peer: Peer): Promise<void> {
    const socket = this.open(previous.replica, this.claims(peer, previous.channelId));
    return new Promise((resolve) => {
      socket.on('error', (error) => {
        this.logger.warn(`eviction request to ${previous.replica} failed: ${error.message}`);
        resolve();
      });
      socket.on('unexpected-response', (_request, response) => {
        response.resume();
        socket.terminate();
        resolve();
      });
      socket.on('open', () => {
        socket.terminate();
        resolve();
      });
    });
  }

  /** Opens the link from this replica (holding `peer`) to the replica holding the other end; settles once it is up or has failed. */
  private connect(replicaUrl: string, peer: Peer): Promise<void> {
    const socket = this.open(replicaUrl, this.claims(peer));
    return new Promise((resolve) => {
      socket.on('error', (error) => {
        this.logger.warn(`link to ${replicaUrl} failed: ${error.message}`);
        resolve();
      });
      socket.on('upgrade', (response) => {
        const version = Number(response.headers[VERSION_HEADER]) as ProtocolVersion;
        const channel = String(response.headers[CHANNEL_HEADER] ?? '');
        if (VERSIONS.has(version) && channel) this.serve(peer.tunnelId, new RemoteEnd(OTHER[peer.mode], version, socket, channel, this.leases.advertisedUrl));
        else socket.terminate();
        resolve();
      });
    });
  }

  /**
   * `GET /relay-link` from another replica: it holds `mode` of a tunnel whose other end is here
   * (a link), or a peer that replaced one held here (an eviction, answered without upgrading).
   */
  accept(request: IncomingMessage, socket: Duplex, head: Buffer): HttpAnswer | undefined {
    let claims: LinkClaims;
    try {
      claims = this.keyring.open<LinkClaims>(String(request.headers[LINK_HEADER] ?? ''), LINK_SEAL_PURPOSE);
    } catch {
      return new HandshakeRefusal('invalid_token', 401, 'Invalid replica link');
    }
    if (claims.exp < Date.now() || !VERSIONS.has(claims.version)) return new HandshakeRefusal('invalid_token', 401, 'Invalid replica link');
    const session = this.registry.session(claims.tunnelId);
    if (claims.evict !== undefined) {
      const replaced = session?.localPeer(claims.mode);
      if (replaced?.channelId !== claims.evict) return { status: 404, message: 'No such peer here' };
      replaced.close(CLOSE.replaced.code, CLOSE.replaced.reason);
      return { status: 200, message: 'Peer closed' };
    }
    const local = session?.localPeer(OTHER[claims.mode]);
    if (!local) return new HandshakeRefusal('invalid_token', 404, 'No such tunnel end here');
    this.wss.once('headers', (headers) => headers.push(`${VERSION_HEADER}: ${local.version}`, `${CHANNEL_HEADER}: ${local.channelId}`));
    this.wss.handleUpgrade(request, socket, head, (ws) => this.serve(claims.tunnelId, new RemoteEnd(claims.mode, claims.version, ws, claims.channelId, claims.opener)));
    return undefined;
  }

  private serve(tunnelId: string, remote: RemoteEnd): void {
    remote.socket.on('error', () => undefined);
    const current = this.registry.session(tunnelId)?.peer(remote.mode);
    // Both replicas linked the same two peers at once: each keeps the link the first URL opened.
    const duplicate = current instanceof RemoteEnd && current.peerChannel === remote.peerChannel;
    if (duplicate && current.opener <= remote.opener) return void remote.socket.close(1000);
    if (!this.registry.attachRemote(tunnelId, remote, duplicate)) return void remote.socket.close(1000);
    remote.socket.on('message', (data: Buffer) => {
      const session = this.registry.session(tunnelId);
      if (session) this.metrics.relayed(session.fromLink(remote, data, remote.deframer));
    });
    remote.socket.on('close', () => this.registry.detachRemote(tunnelId, remote));
  }
}
