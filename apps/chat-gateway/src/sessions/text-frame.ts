/** FIN + opcode 1 (text): one whole, unfragmented text message (RFC 6455 §5.2). */
const FINAL_TEXT = 0x81;

/**
 * A server-to-client WebSocket text frame (unmasked, uncompressed) carrying `text`, built once and
 * written as it is to every receiver of a room: no per-connection encoding, framing or copy.
 */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = FINAL_TEXT;
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(text, header, 'utf8');
  return frame;
}
