import { ChatTokenCapability } from '@rekey/contracts';
import { randomUUID } from 'node:crypto';
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

  constructor(
    readonly identity: ConnectionIdentity,
    private readonly socket: WebSocket,
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
    this.sendText(JSON.stringify(entity));
  }

  /** For an entity serialized once and sent to many connections. */
  sendText(text: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(text);
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
