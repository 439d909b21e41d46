import { ChatTokenCapability } from '@rekey/contracts';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { ServerEntity } from '../ivschat-messaging/server-entity';

/** Who a connection is, from its token (the token itself is not kept). */
export interface ConnectionIdentity {
  tenant: string;
  roomArn: string;
  userId: string;
  capabilities: ChatTokenCapability[];
  attributes: Record<string, string>;
  sessionExpirationTime: Date;
}

/** One open messaging WebSocket. */
export class ChatConnection {
  /** Opaque, per connection: lets the replica that published a request answer it with its RequestId. */
  readonly id = randomUUID();
  private readonly capabilities: ReadonlySet<string>;

  /**
   * `stream` is the upgraded TCP socket under `socket`. `ws` writes its own frames to it at once
   * (no compression, no send queue), so a frame written here between two of them keeps its place.
   */
  constructor(
    readonly identity: ConnectionIdentity,
    private readonly socket: WebSocket,
    private readonly stream: Duplex,
  ) {
    this.capabilities = new Set(identity.capabilities);
  }

  get roomArn(): string {
    return this.identity.roomArn;
  }

  get userId(): string {
    return this.identity.userId;
  }

  can(capability: string): boolean {
    return this.capabilities.has(capability);
  }

  send(entity: ServerEntity): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(entity));
  }

  /** A frame built once (`textFrame`) for many connections; nothing once the close handshake began. */
  sendFrame(frame: Buffer): void {
    if (this.socket.readyState === this.socket.OPEN) this.stream.write(frame);
  }

  /** A clean close (close handshake): the official client stays disconnected and does not reconnect. */
  close(code = 1000, reason = ''): void {
    this.socket.close(code, reason);
  }

  /** An unclean drop: the official client reconnects with a fresh token (elsewhere, when draining). */
  drop(): void {
    this.socket.terminate();
  }
}
