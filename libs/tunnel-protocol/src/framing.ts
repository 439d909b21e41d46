import { MAX_DATA_PAYLOAD_BYTES, MAX_MESSAGE_BYTES } from './limits';
import { decodeMessage, encodeAroundPayload, encodeMessage, encodePayloadKey, TunnelMessage, TunnelMessageType } from './message';

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

/**
 * DATA messages of one stream (and connection), framed as {@link frameMessages} frames them: the
 * other fields are encoded once, and each byte of a payload is copied once, into the framed buffer.
 */
export class DataFramer {
  private readonly before: Uint8Array;
  private readonly after: Uint8Array;

  constructor(fields: Omit<TunnelMessage, 'type' | 'payload'>) {
    ({ before: this.before, after: this.after } = encodeAroundPayload({ ...fields, type: TunnelMessageType.DATA }));
    const largest = this.before.length + encodePayloadKey(MAX_DATA_PAYLOAD_BYTES).length + MAX_DATA_PAYLOAD_BYTES + this.after.length;
    if (largest > MAX_MESSAGE_BYTES) throw new RangeError(`DATA messages of ${largest} bytes would exceed ${MAX_MESSAGE_BYTES}`);
  }

  /** `chunks`, in order, as DATA messages with payloads of at most {@link MAX_DATA_PAYLOAD_BYTES}, in one buffer. */
  frame(chunks: readonly Uint8Array[]): Buffer {
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const lengths = Array.from({ length: Math.ceil(total / MAX_DATA_PAYLOAD_BYTES) }, (_, i) => Math.min(MAX_DATA_PAYLOAD_BYTES, total - i * MAX_DATA_PAYLOAD_BYTES));
    const keys = lengths.map(encodePayloadKey);
    const overhead = LENGTH_PREFIX_BYTES + this.before.length + this.after.length;
    const framed = Buffer.allocUnsafe(total + keys.reduce((sum, key) => sum + overhead + key.length, 0));
    let offset = 0;
    let chunk = 0;
    let within = 0;
    const put = (bytes: Uint8Array) => {
      framed.set(bytes, offset);
      offset += bytes.length;
    };
    keys.forEach((key, i) => {
      offset = framed.writeUInt16BE(this.before.length + key.length + lengths[i] + this.after.length, offset);
      put(this.before);
      put(key);
      for (let left = lengths[i]; left > 0; ) {
        const piece = chunks[chunk].subarray(within, within + left);
        put(piece);
        left -= piece.length;
        within += piece.length;
        if (within === chunks[chunk].length) [chunk, within] = [chunk + 1, 0];
      }
      put(this.after);
    });
    return framed;
  }
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
