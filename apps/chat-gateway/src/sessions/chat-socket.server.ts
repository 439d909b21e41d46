import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { whenDraining } from '@rekey/platform';
import type { IncomingMessage, Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket, WebSocketServer } from 'ws';
import { GatewayMetrics } from '../gateway.metrics';
import { MessagingError } from '../ivschat-messaging/messaging-error';
import { errorEntity } from '../ivschat-messaging/server-entity';
import { AdmissionService, HandshakeRefusal } from './admission.service';
import { ChatConnection, ConnectionIdentity } from './chat-connection';
import { ClientRequestsService } from './client-requests.service';
import { ConnectionRegistry } from './connection-registry';

/** Larger frames are refused by `ws` itself (close 1009); content limits are far below it. */
const MAX_FRAME_BYTES = 1024 * 1024;
/** After ERROR 401 the official client closes and reconnects at once; a client that does not is dropped. */
const EXPIRED_CLOSE_GRACE_MS = 2_000;
/** While draining: how long clients get to reconnect elsewhere after ERROR 401 before the rest are dropped. */
const DRAIN_GRACE_MS = 2_000;

/**
 * The messaging WebSocket on the app's HTTP server (any path): the chat token is the
 * `Sec-WebSocket-Protocol` value and is selected (echoed) in the 101, as the official client
 * requires. A connection lives until its session expires: then ERROR 401 (the client reconnects
 * with a fresh token) and a close.
 */
@Injectable()
export class ChatSocketServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ChatSocketServer.name);
  /** No compression: room frames are built once and written straight to the sockets (ChatConnection.sendFrame). */
  private readonly sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false, handleProtocols: (protocols) => [...protocols][0] ?? false });
  private draining = false;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly admission: AdmissionService,
    private readonly requests: ClientRequestsService,
    private readonly connections: ConnectionRegistry,
    private readonly metrics: GatewayMetrics,
  ) {}

  onApplicationBootstrap(): void {
    const adapter = this.adapterHost.httpAdapter;
    (adapter.getHttpServer() as Server).on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => void this.upgrade(request, socket, head));
    whenDraining(adapter.getInstance(), () => this.drain());
  }

  /** Before Kafka and MongoDB go: the HTTP server cannot close while WebSockets are open. */
  beforeApplicationShutdown(): void {
    this.draining = true;
    for (const connection of this.connections.all()) connection.drop();
    this.sockets.close();
  }

  /**
   * Stops admitting, tells every client its connection is over (ERROR 401: the official client
   * reconnects, to another replica), then drops whoever is left: an unclean drop also makes it
   * reconnect, where a clean close would not.
   */
  async drain(): Promise<void> {
    this.draining = true;
    const expired = errorEntity(new MessagingError(401, 'The connection has expired: this server is shutting down', null));
    for (const connection of this.connections.all()) connection.send(expired);
    const deadline = Date.now() + DRAIN_GRACE_MS;
    while (this.connections.size > 0 && Date.now() < deadline) await sleep(50);
    for (const connection of this.connections.all()) connection.drop();
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    let token: string;
    let identity: ConnectionIdentity;
    try {
      if (this.draining) throw new HandshakeRefusal(503, 'The server is shutting down; reconnect');
      token = AdmissionService.tokenOf(request.headers['sec-websocket-protocol']);
      identity = await this.admission.admit(token);
    } catch (error) {
      const refusal = error instanceof HandshakeRefusal ? error : this.unavailable(error as Error);
      this.metrics.refused('handshake', refusal.status);
      return this.refuse(socket, refusal);
    }
    this.sockets.handleUpgrade(request, socket, head, (ws) => this.open(ws, socket, identity));
  }

  private open(ws: WebSocket, stream: Duplex, identity: ConnectionIdentity): void {
    const connection = new ChatConnection(identity, ws, stream);
    this.connections.add(connection);
    this.metrics.connections.inc();
    const expiry = setTimeout(() => this.expire(connection), Math.max(0, identity.sessionExpirationTime.getTime() - Date.now()));
    expiry.unref();
    ws.on('message', (data, isBinary) => {
      if (isBinary) return connection.send(errorEntity(new MessagingError(400, 'Requests are text frames', null)));
      void this.requests.handle(connection, data.toString());
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      clearTimeout(expiry);
      this.connections.remove(connection);
      this.metrics.connections.dec();
    });
  }

  private expire(connection: ChatConnection): void {
    connection.send(errorEntity(new MessagingError(401, 'The connection has expired', null)));
    setTimeout(() => connection.close(1000, 'session expired'), EXPIRED_CLOSE_GRACE_MS).unref();
  }

  private unavailable(error: Error): HandshakeRefusal {
    this.logger.error(`handshake failed: ${error.message}`);
    return new HandshakeRefusal(503, 'The service is unavailable; retry');
  }

  private refuse(socket: Duplex, refusal: HandshakeRefusal): void {
    const body = JSON.stringify({ message: refusal.message });
    socket.end(
      `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
}
