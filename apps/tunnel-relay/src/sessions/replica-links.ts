import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { PeerMode } from '@rekey/contracts';
import { REKEY_CONFIG, RekeyConfig } from '@rekey/platform';
import { Keyring, KEYRING } from '@rekey/tokens';
import { MAX_WEBSOCKET_FRAME_BYTES, MessageDeframer, ProtocolVersion, SUBPROTOCOLS, TunnelMessage } from '@rekey/tunnel-protocol';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { PeersRepository } from '../peers/peers.repository';
import { RelayMetrics } from '../relay.metrics';
import { PeerEvents } from '../tunnel-relay.events';
import { HandshakeRefusal } from './handshake';
import { OTHER, Peer, sendPacked, TunnelEnd } from './peer';
import { SessionRegistry } from './session-registry';

/** Path of the replica-to-replica link, next to /tunnel on the same port. */
export const LINK_PATH = '/relay-link';
const LINK_HEADER = 'x-rekey-link';
const VERSION_HEADER = 'x-rekey-peer-version';
const LINK_SEAL_PURPOSE = 'tunnel-relay-link';
const LINK_TTL_MS = 30_000;

interface LinkClaims {
  tunnelId: string;
  mode: PeerMode;
  version: ProtocolVersion;
  exp: number;
}

const VERSIONS = new Set<number>(Object.values(SUBPROTOCOLS));

/** The end of a tunnel held by another replica, reached through a WebSocket link to it. */
class RemoteEnd implements TunnelEnd {
  readonly deframer = new MessageDeframer();

  constructor(
    readonly mode: PeerMode,
    readonly version: ProtocolVersion,
    readonly socket: WebSocket,
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
 * and adapted by the replica of the peer that sent them, and relayed verbatim by the other.
 */
@Injectable()
export class ReplicaLinks {
  private readonly logger = new Logger(ReplicaLinks.name);
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WEBSOCKET_FRAME_BYTES, perMessageDeflate: false });
  private advertised?: string;

  constructor(
    @Inject(REKEY_CONFIG) private readonly config: RekeyConfig,
    @Inject(KEYRING) private readonly keyring: Keyring,
    private readonly adapterHost: HttpAdapterHost,
    private readonly registry: SessionRegistry,
    private readonly peers: PeersRepository,
    private readonly events: PeerEvents,
    private readonly metrics: RelayMetrics,
  ) {}

  /** How other replicas reach this one: REKEY_RELAY_ADVERTISED_URL, else this server's own port on loopback. */
  get advertisedUrl(): string {
    if (this.advertised === undefined) {
      const { port } = (this.adapterHost.httpAdapter.getHttpServer() as Server).address() as AddressInfo;
      this.advertised = this.config.relayAdvertisedUrl ?? `${this.config.tls ? 'wss' : 'ws'}://127.0.0.1:${port}`;
    }
    return this.advertised;
  }

  /** Records `peer` as its end's holder (PeerConnected), then links to the replica holding the other end, if another one does. */
  async joinAcrossReplicas(peer: Peer): Promise<void> {
    await this.events.connected(peer.admission, peer.channelId, this.advertisedUrl);
    const other = await this.peers.holder(peer.tunnelId, OTHER[peer.mode]);
    const session = this.registry.session(peer.tunnelId);
    if (!other || other === this.advertisedUrl || !session || session.localPeer(peer.mode) !== peer || session.peer(OTHER[peer.mode])) return;
    await this.connect(other, peer);
  }

  /** Opens the link from this replica (holding `peer`) to the replica holding the other end; settles once it is up or has failed. */
  private connect(replicaUrl: string, peer: Peer): Promise<void> {
    const claims: LinkClaims = { tunnelId: peer.tunnelId, mode: peer.mode, version: peer.version, exp: Date.now() + LINK_TTL_MS };
    const socket = new WebSocket(`${replicaUrl}${LINK_PATH}`, { headers: { [LINK_HEADER]: this.keyring.seal(claims, LINK_SEAL_PURPOSE) }, perMessageDeflate: false, maxPayload: MAX_WEBSOCKET_FRAME_BYTES });
    return new Promise((resolve) => {
      socket.on('error', (error) => {
        this.logger.warn(`link to ${replicaUrl} failed: ${error.message}`);
        resolve();
      });
      socket.on('upgrade', (response) => {
        const version = Number(response.headers[VERSION_HEADER]) as ProtocolVersion;
        if (VERSIONS.has(version)) this.serve(peer.tunnelId, new RemoteEnd(OTHER[peer.mode], version, socket));
        else socket.terminate();
        resolve();
      });
    });
  }

  /** `GET /relay-link` from another replica: it holds `mode` of a tunnel whose other end is here. */
  accept(request: IncomingMessage, socket: Duplex, head: Buffer): HandshakeRefusal | undefined {
    let claims: LinkClaims;
    try {
      claims = this.keyring.open<LinkClaims>(String(request.headers[LINK_HEADER] ?? ''), LINK_SEAL_PURPOSE);
    } catch {
      return new HandshakeRefusal('invalid_token', 401, 'Invalid replica link');
    }
    const local = this.registry.session(claims.tunnelId)?.localPeer(OTHER[claims.mode]);
    if (claims.exp < Date.now() || !VERSIONS.has(claims.version) || !local) return new HandshakeRefusal('invalid_token', 404, 'No such tunnel end here');
    this.wss.once('headers', (headers) => headers.push(`${VERSION_HEADER}: ${local.version}`));
    this.wss.handleUpgrade(request, socket, head, (ws) => this.serve(claims.tunnelId, new RemoteEnd(claims.mode, claims.version, ws)));
    return undefined;
  }

  private serve(tunnelId: string, remote: RemoteEnd): void {
    remote.socket.on('error', () => undefined);
    if (!this.registry.attachRemote(tunnelId, remote)) return void remote.socket.close(1000);
    remote.socket.on('message', (data: Buffer) => {
      const session = this.registry.session(tunnelId);
      if (session) this.metrics.relayed(session.fromLink(remote, data, remote.deframer));
    });
    remote.socket.on('close', () => this.registry.detachRemote(tunnelId, remote));
  }
}
