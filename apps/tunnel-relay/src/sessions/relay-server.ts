import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { MAX_WEBSOCKET_FRAME_BYTES } from '@rekey/tunnel-protocol';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { RelayMetrics } from '../relay.metrics';
import { Admission, AdmissionService } from './admission.service';
import { HandshakeRefusal, HandshakeRequest, HttpAnswer, parseHandshake } from './handshake';
import { Peer } from './peer';
import { LINK_PATH, ReplicaLinks } from './replica-links';
import { SessionRegistry } from './session-registry';
import { CLOSE } from './close-codes';

/** The handshake as it travels from the upgrade to the 101 (subprotocol and channel-id). */
const handshakes = new WeakMap<IncomingMessage, { request: HandshakeRequest; channelId: string }>();

/** `GET /tunnel` upgrades on the app's HTTP(S) server: handshake rules, token admission, then the registry. */
@Injectable()
export class RelayServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RelayServer.name);
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_WEBSOCKET_FRAME_BYTES,
    perMessageDeflate: false,
    handleProtocols: (_offered, request) => handshakes.get(request)?.request.subprotocol ?? false,
  });

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly admission: AdmissionService,
    private readonly registry: SessionRegistry,
    private readonly metrics: RelayMetrics,
    private readonly links: ReplicaLinks,
  ) {
    this.wss.on('headers', (headers, request) => {
      const handshake = handshakes.get(request);
      if (handshake) headers.push(`channel-id: ${handshake.channelId}`);
    });
  }

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => void this.upgrade(request, socket, head));
  }

  onApplicationShutdown(): void {
    this.wss.close();
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    if (request.url === LINK_PATH) {
      const answer = this.links.accept(request, socket, head);
      return answer && refuse(socket, answer);
    }
    let handshake: HandshakeRequest;
    let admitted: Admission;
    try {
      handshake = parseHandshake(request);
      admitted = await this.admission.admit(handshake);
    } catch (error) {
      if (!(error instanceof HandshakeRefusal)) {
        this.logger.error(`upgrade failed: ${(error as Error).message}`);
        return refuse(socket, new HandshakeRefusal('unavailable', 503, 'The tunnel service is temporarily unavailable'));
      }
      this.metrics.refused(error.reason);
      return refuse(socket, error);
    }
    const channelId = randomUUID();
    handshakes.set(request, { request: handshake, channelId });
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      // Frame-level violations (oversize 1009, bad opcodes 1002) are answered by ws with a close; nothing else to do.
      ws.on('error', () => undefined);
      const peer = new Peer(ws, admitted, handshake.version, channelId);
      this.registry.join(peer);
      void this.links
        .joinAcrossReplicas(peer)
        .catch((error: Error) => this.logger.warn(`joining across replicas failed: ${error.message}`))
        .finally(() => this.registry.session(peer.tunnelId)?.greet(peer));
      // A rotation applied between the token check and the join has already been broadcast: check again.
      void this.admission.stillValid(admitted).then(
        (valid) => valid || peer.close(CLOSE.revoked.code, CLOSE.revoked.reason),
        () => undefined,
      );
    });
  }
}

/** An HTTP answer to the upgrade request, then the connection ends: 4xx refuses for good, 5xx says retry. */
function refuse(socket: Duplex, refusal: HttpAnswer): void {
  if (!socket.writable) return void socket.destroy();
  const body = `${refusal.message}\n`;
  socket.end(
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
