import { frameMessage, MAX_WEBSOCKET_FRAME_BYTES, MessageDeframer, ProtocolVersion, TunnelMessage } from '@rekey/tunnel-protocol';
import { PeerMode } from '@rekey/contracts';
import type { WebSocket } from 'ws';
import { Admission } from './admission.service';

/** How long a closing peer has to answer the close frame before its connection is cut. */
const CLOSE_GRACE_MS = 1_000;

/** The end opposite each end. */
export const OTHER: Record<PeerMode, PeerMode> = { SOURCE: 'DESTINATION', DESTINATION: 'SOURCE' };

/** One end of a tunnel as a session sees it: a local proxy here, or one held by another replica. */
export interface TunnelEnd {
  readonly mode: PeerMode;
  readonly version: ProtocolVersion;
  /** Sends protocol messages to the end; returns the bytes sent. */
  send(messages: Array<Buffer | TunnelMessage>): number;
  /** Ends it for good (close frame to a local proxy, the link to a remote one). */
  close(code: number, reason: string): void;
}

/** Packs framed messages into as few WebSocket messages as the frame limit allows. */
export function sendPacked(socket: WebSocket, messages: Array<Buffer | TunnelMessage>): number {
  let batch: Buffer[] = [];
  let batchBytes = 0;
  let sent = 0;
  const flush = () => {
    if (batch.length === 0) return;
    socket.send(batch.length === 1 ? batch[0] : Buffer.concat(batch, batchBytes), { binary: true });
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

/** One local proxy connected to this replica: its socket, protocol version and token. */
export class Peer implements TunnelEnd {
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

  send(messages: Array<Buffer | TunnelMessage>): number {
    return this.closing || messages.length === 0 ? 0 : sendPacked(this.socket, messages);
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
