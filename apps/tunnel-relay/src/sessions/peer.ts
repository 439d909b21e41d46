import { frameMessage, MAX_WEBSOCKET_FRAME_BYTES, MessageDeframer, ProtocolVersion, SEND_HIGH_WATER_BYTES, TunnelMessage } from '@rekey/tunnel-protocol';
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
  /**
   * Sends protocol messages (framed bytes or messages to frame) to the end; returns the bytes
   * sent. With `paced`, the socket they came from: it is paused while this end's queue is full.
   */
  send(messages: Array<Buffer | TunnelMessage>, paced?: WebSocket): number;
  /** Ends it for good (close frame to a local proxy, the link to a remote one). */
  close(code: number, reason: string): void;
}

/**
 * Packs framed messages into as few WebSocket messages as the frame limit allows (a single
 * buffer goes as it is, without a copy). If the socket's queue is then over
 * {@link SEND_HIGH_WATER_BYTES}, `paced` is paused until the last of them is written.
 */
export function sendPacked(socket: WebSocket, messages: Array<Buffer | TunnelMessage>, paced?: WebSocket): number {
  const packed: Buffer[] = [];
  let batch: Buffer[] = [];
  let batchBytes = 0;
  let sent = 0;
  const flush = () => {
    if (batch.length === 0) return;
    packed.push(batch.length === 1 ? batch[0] : Buffer.concat(batch, batchBytes));
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
  const full = paced !== undefined && socket.bufferedAmount + sent > SEND_HIGH_WATER_BYTES;
  if (full) paced.pause();
  packed.forEach((data, i) => socket.send(data, { binary: true }, full && i === packed.length - 1 ? () => paced.resume() : undefined));
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

  send(messages: Array<Buffer | TunnelMessage>, paced?: WebSocket): number {
    return this.closing || messages.length === 0 ? 0 : sendPacked(this.socket, messages, paced);
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
