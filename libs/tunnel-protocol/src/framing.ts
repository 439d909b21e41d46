import { MAX_MESSAGE_BYTES } from './limits';
import { decodeMessage, encodeMessage, TunnelMessage } from './message';

/** Bytes of the big-endian length in front of every message. */
const LENGTH_PREFIX_BYTES = 2;

/** One message as it travels: a 2-byte big-endian length, then the protobuf bytes. */
export function frameMessage(message: TunnelMessage): Buffer {
  return frameMessages([message]);
}

/** Messages framed one after the other into one buffer, e.g. to travel as one WebSocket message. */
export function frameMessages(messages: TunnelMessage[]): Buffer {
  const bodies = messages.map(encodeMessage);
  const framed = Buffer.allocUnsafe(bodies.reduce((sum, body) => sum + LENGTH_PREFIX_BYTES + body.length, 0));
  let offset = 0;
  for (const body of bodies) {
    if (body.length > MAX_MESSAGE_BYTES) throw new RangeError(`message of ${body.length} bytes exceeds ${MAX_MESSAGE_BYTES}`);
    framed.writeUInt16BE(body.length, offset);
    framed.set(body, offset + LENGTH_PREFIX_BYTES);
    offset += LENGTH_PREFIX_BYTES + body.length;
  }
  return framed;
}

/** Decodes a framed message (as {@link MessageDeframer} returns it). */
export function decodeFramed(framed: Buffer): TunnelMessage {
  return decodeMessage(framed.subarray(LENGTH_PREFIX_BYTES));
}

/**
 * Cuts a byte stream into length-prefixed messages, whatever the alignment of the WebSocket
 * frames that carried it: a frame may hold several messages, or a fragment of one.
 */
export class MessageDeframer {
  private pending: Buffer = Buffer.alloc(0);

  /**
   * Appends `chunk` and returns every message now complete, in order, each with its length
   * prefix: views of `chunk` (no copy) unless a message spans chunks.
   */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const messages: Buffer[] = [];
    let offset = 0;
    while (this.pending.length - offset >= LENGTH_PREFIX_BYTES) {
      const end = offset + LENGTH_PREFIX_BYTES + this.pending.readUInt16BE(offset);
      if (this.pending.length < end) break;
      messages.push(this.pending.subarray(offset, end));
      offset = end;
    }
    this.pending = this.pending.subarray(offset);
    return messages;
  }

  /** Bytes of an incomplete message still waiting for the rest. */
  get buffered(): number {
    return this.pending.length;
  }
}
