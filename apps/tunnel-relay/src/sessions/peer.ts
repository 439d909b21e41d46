import { frameMessage, MAX_WEBSOCKET_FRAME_BYTES, MessageDeframer, ProtocolVersion, TunnelMessage } from '@rekey/tunnel-protocol';
import type { WebSocket } from 'ws';
import { Admission } from './admission.service';

/** How long a closing peer has to answer the close frame before its connection is cut. */
const CLOSE_GRACE_MS = 1_000;

/** One local proxy connected to this replica: its socket, protocol version and token. */
export class Peer {
  readonly deframer = new MessageDeframer();
  private closing = false;

  constructor(
    readonly socket: WebSocket,
    readonly admission: Admission,
    readonly version: ProtocolVersion,
    readonly channelId: string,
  ) {}

  get mode() {
    return this.admission.mode;
  }

  get tunnelId() {
    return this.admission.tunnel.id;
  }

  /** Sends messages (already framed, or to frame), packed into as few WebSocket frames as the frame limit allows. */
  send(messages: Array<Buffer | TunnelMessage>): number {
    if (this.closing || messages.length === 0) return 0;
    let batch: Buffer[] = [];
    let batchBytes = 0;
    let sent = 0;
    const flush = () => {
      if (batch.length === 0) return;
      this.socket.send(batch.length === 1 ? batch[0] : Buffer.concat(batch, batchBytes), { binary: true });
      sent += batchBytes;
      batch = [];
      batchBytes = 0;
    };
    for (const message of messages) {
      const framed = Buffer.isBuffer(message) ? message : frameMessage(message);
      if (batchBytes + framed.length > MAX_WEBSOCKET_FRAME_BYTES) flush();
      batch.push(framed);
      batchBytes += framed.length;
    }
    flush();
    return sent;
  }

  /** A close frame: the client takes it as final (localproxy exits 0) and does not reconnect. */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.socket.close(code, reason);
    setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
  }

  /** Cuts the connection without a close frame: the client reconnects (with its client token) at once. */
  drop(): void {
    this.closing = true;
    this.socket.terminate();
  }
}
