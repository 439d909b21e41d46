import { DataFramer, decodeFramed, frameMessage, frameMessages, MessageDeframer } from './framing';
import { MAX_DATA_PAYLOAD_BYTES } from './limits';
import { decodeMessage, encodeMessage, MalformedMessageError, TunnelMessageType } from './message';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('tunnel protocol messages', () => {
  it('frames SERVICE_IDS exactly as the service does', () => {
    expect(hex(frameMessage({ type: TunnelMessageType.SERVICE_IDS, availableServiceIds: ['SSH1'] }))).toBe('0008080532045353483' + '1');
    expect(hex(frameMessage({ type: TunnelMessageType.SERVICE_IDS, availableServiceIds: [] }))).toBe('00020805');
  });

  it('encodes every field with its number and wire type', () => {
    const bytes = encodeMessage({ type: TunnelMessageType.DATA, streamId: 3, ignorable: true, payload: Buffer.from('hi'), serviceId: 'S', connectionId: 2 });
    // 08 01 | 10 03 | 18 01 | 22 02 'h' 'i' | 2a 01 'S' | 38 02
    expect(hex(bytes)).toBe('0801100318012202686' + '92a0153' + '3802');
    expect(decodeMessage(bytes)).toEqual({ type: 1, streamId: 3, ignorable: true, payload: Buffer.from('hi'), serviceId: 'S', connectionId: 2 });
  });

  it('decodes a message with no type as UNKNOWN', () => {
    expect(decodeMessage(Buffer.from('1001', 'hex')).type).toBe(TunnelMessageType.UNKNOWN);
  });

  it('refuses unknown fields, wrong wire types and truncated bytes', () => {
    expect(() => decodeMessage(Buffer.from('08014001', 'hex'))).toThrow(MalformedMessageError); // field 8
    expect(() => decodeMessage(Buffer.from('0a00', 'hex'))).toThrow(MalformedMessageError); // field 1 as bytes
    expect(() => decodeMessage(Buffer.from('080122056869', 'hex'))).toThrow(MalformedMessageError); // payload cut short
    expect(() => decodeMessage(Buffer.from('0880', 'hex'))).toThrow(MalformedMessageError); // varint cut short
    expect(() => decodeMessage(Buffer.from('0001', 'hex'))).toThrow(MalformedMessageError); // field 0
  });

  it('deframes messages whatever the alignment of the chunks', () => {
    const a = frameMessage({ type: TunnelMessageType.DATA, streamId: 1, payload: Buffer.alloc(300, 7) });
    const b = frameMessage({ type: TunnelMessageType.STREAM_RESET, streamId: 1 });
    const stream = Buffer.concat([a, b]);
    for (const cut of [1, 2, 3, a.length - 1, a.length, a.length + 1, stream.length - 1]) {
      const deframer = new MessageDeframer();
      const messages = [...deframer.push(stream.subarray(0, cut)), ...deframer.push(stream.subarray(cut))];
      expect(messages.map((m) => decodeFramed(m).type)).toEqual([TunnelMessageType.DATA, TunnelMessageType.STREAM_RESET]);
      expect(deframer.buffered).toBe(0);
    }
    const bytewise = new MessageDeframer();
    const messages = [...stream].flatMap((byte) => bytewise.push(Buffer.from([byte])));
    expect(messages).toHaveLength(2);
  });

  it('frames chunks as DATA messages with the bytes protobufjs encodes, cut at the payload limit wherever the chunks end', () => {
    const chunk = Buffer.from(Array.from({ length: 2 * MAX_DATA_PAYLOAD_BYTES }, (_, i) => i % 251));
    for (const fields of [{ streamId: 1 }, { streamId: 300, serviceId: 'SSH', connectionId: 2 }, { streamId: 7, ignorable: true, serviceId: 'RDP' }]) {
      const framer = new DataFramer(fields);
      for (const length of [1, 300, MAX_DATA_PAYLOAD_BYTES, MAX_DATA_PAYLOAD_BYTES + 1, 65_536, 2 * MAX_DATA_PAYLOAD_BYTES]) {
        const bytes = chunk.subarray(0, length);
        const payloads = Array.from({ length: Math.ceil(length / MAX_DATA_PAYLOAD_BYTES) }, (_, i) => bytes.subarray(i * MAX_DATA_PAYLOAD_BYTES, (i + 1) * MAX_DATA_PAYLOAD_BYTES));
        const pieces = [bytes.subarray(0, 100), bytes.subarray(100, 100), bytes.subarray(100, 64_600), bytes.subarray(64_600)];
        expect(hex(framer.frame(pieces))).toBe(hex(framer.frame([bytes])));
        expect(hex(framer.frame([bytes]))).toBe(hex(frameMessages(payloads.map((payload) => ({ type: TunnelMessageType.DATA, ...fields, payload })))));
      }
    }
  });

  it('refuses to frame a message longer than the 2-byte prefix allows', () => {
    expect(() => frameMessage({ type: TunnelMessageType.DATA, streamId: 1, payload: Buffer.alloc(65_536) })).toThrow(RangeError);
  });
});
