import { MAX_MESSAGE_BYTES } from './limits';
import { encodeMessage, TunnelMessage } from './message';

const LENGTH_PREFIX_BYTES = 2;

/** One message as it travels: a 2-byte big-endian length, then the protobuf bytes. */
export function frameMessage(message: TunnelMessage): Buffer {
  const body = encodeMessage(message);
  if (body.length > MAX_MESSAGE_BYTES) throw new RangeError(`message of ${body.length} bytes exceeds ${MAX_MESSAGE_BYTES}`);
  const framed = Buffer.allocUnsafe(LENGTH_PREFIX_BYTES + body.length);
  framed.writeUInt16BE(body.length, 0);
  framed.set(body, LENGTH_PREFIX_BYTES);
  return framed;
}

/**
 * Cuts a byte stream into length-prefixed messages, whatever the alignment of the WebSocket
 * frames that carried it: a frame may hold several messages, or a fragment of one.
 */
export class MessageDeframer {
  private pending: Buffer = Buffer.alloc(0);

  /** Appends `chunk` and returns the protobuf bytes of every message now complete, in order. */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const messages: Buffer[] = [];
    let offset = 0;
    while (this.pending.length - offset >= LENGTH_PREFIX_BYTES) {
      const length = this.pending.readUInt16BE(offset);
      if (this.pending.length - offset - LENGTH_PREFIX_BYTES < length) break;
      messages.push(this.pending.subarray(offset + LENGTH_PREFIX_BYTES, offset + LENGTH_PREFIX_BYTES + length));
      offset += LENGTH_PREFIX_BYTES + length;
    }
    this.pending = this.pending.subarray(offset);
    return messages;
  }

  /** Bytes of an incomplete message still waiting for the rest. */
  get buffered(): number {
    return this.pending.length;
  }
}
