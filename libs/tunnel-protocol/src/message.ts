/**
 * `com.amazonaws.iot.securedtunneling.Message` (localproxy `resources/Message.proto`), written
 * from the protocol guide's schema: type=1 (enum), streamId=2 (int32), ignorable=3 (bool),
 * payload=4 (bytes), serviceId=5 (string), availableServiceIds=6 (repeated string),
 * connectionId=7 (uint32). Encoded and decoded by hand: it is on every DATA message both ways, and
 * seven fields do not need a reflection codec (the spec checks it byte for byte against protobufjs).
 */

/** Message types of the tunneling protocol (V3 guide). */
export enum TunnelMessageType {
  UNKNOWN = 0,
  DATA = 1,
  STREAM_START = 2,
  STREAM_RESET = 3,
  SESSION_RESET = 4,
  SERVICE_IDS = 5,
  CONNECTION_START = 6,
  CONNECTION_RESET = 7,
}

/** One decoded protocol message; absent fields are proto3 defaults (0, false, empty). */
export interface TunnelMessage {
  type: number;
  streamId?: number;
  ignorable?: boolean;
  payload?: Uint8Array;
  serviceId?: string;
  availableServiceIds?: string[];
  connectionId?: number;
}

/** A message the protocol refuses to parse: the guide says the server closes the connection. */
export class MalformedMessageError extends Error {}

const VARINT = 0;
const LENGTH_DELIMITED = 2;
/** Wire type each known field must use. */
const FIELD_WIRE_TYPES: Record<number, number> = { 1: VARINT, 2: VARINT, 3: VARINT, 4: LENGTH_DELIMITED, 5: LENGTH_DELIMITED, 6: LENGTH_DELIMITED, 7: VARINT };
const tag = (field: number, wireType: number) => (field << 3) | wireType;

/** Bytes of `value` as a varint; a negative int32 takes ten (sign-extended to 64 bits, as protobuf does). */
function varintLength(value: number): number {
  if (value < 0) return 10;
  let length = 1;
  for (let rest = value >>> 7; rest !== 0; rest >>>= 7) length += 1;
  return length;
}

function writeVarint(target: Buffer, offset: number, value: number): number {
  if (value < 0) {
    let low = value >>> 0;
    for (let i = 0; i < 4; i += 1, low >>>= 7) target[offset++] = (low & 0x7f) | 0x80;
    target[offset++] = (low & 0x0f) | 0x70 | 0x80; // bits 28-31, then the sign bits of the high word
    for (let i = 0; i < 5; i += 1) target[offset++] = i === 4 ? 0x01 : 0xff;
    return offset;
  }
  let rest = value >>> 0;
  while (rest > 0x7f) {
    target[offset++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  target[offset++] = rest;
  return offset;
}

/** Bytes of the encoded message, without the length prefix. */
export function encodedLength(message: TunnelMessage): number {
  let length = 0;
  if (message.type) length += 1 + varintLength(message.type);
  if (message.streamId) length += 1 + varintLength(message.streamId);
  if (message.ignorable) length += 2;
  if (message.payload?.length) length += 1 + varintLength(message.payload.length) + message.payload.length;
  if (message.serviceId) length += stringLength(message.serviceId);
  for (const serviceId of message.availableServiceIds ?? []) length += stringLength(serviceId);
  if (message.connectionId) length += 1 + varintLength(message.connectionId >>> 0);
  return length;
}

function stringLength(value: string): number {
  const bytes = Buffer.byteLength(value);
  return 1 + varintLength(bytes) + bytes;
}

function writeString(target: Buffer, offset: number, field: number, value: string): number {
  target[offset++] = tag(field, LENGTH_DELIMITED);
  offset = writeVarint(target, offset, Buffer.byteLength(value));
  return offset + target.write(value, offset);
}

/** Writes the message's fields at `offset`, in field-number order, and (proto3) none holding its default: 0, false, empty. */
export function writeMessage(target: Buffer, offset: number, message: TunnelMessage): void {
  if (message.type) offset = writeVarint(target, (target[offset] = tag(1, VARINT), offset + 1), message.type);
  if (message.streamId) offset = writeVarint(target, (target[offset] = tag(2, VARINT), offset + 1), message.streamId);
  if (message.ignorable) offset = writeVarint(target, (target[offset] = tag(3, VARINT), offset + 1), 1);
  if (message.payload?.length) {
    target[offset++] = tag(4, LENGTH_DELIMITED);
    offset = writeVarint(target, offset, message.payload.length);
    target.set(message.payload, offset);
    offset += message.payload.length;
  }
  if (message.serviceId) offset = writeString(target, offset, 5, message.serviceId);
  for (const serviceId of message.availableServiceIds ?? []) offset = writeString(target, offset, 6, serviceId);
  if (message.connectionId) writeVarint(target, (target[offset] = tag(7, VARINT), offset + 1), message.connectionId >>> 0);
}

/** Protobuf bytes of one message (no length prefix). */
export function encodeMessage(message: TunnelMessage): Buffer {
  const body = Buffer.allocUnsafe(encodedLength(message));
  writeMessage(body, 0, message);
  return body;
}

/** Reads protobuf fields of one message, refusing what the schema does not allow. */
class FieldReader {
  private offset = 0;

  constructor(private readonly bytes: Buffer) {}

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  /** A varint as 32-bit two's complement (protobuf's int32/uint32/enum/bool from up to 10 bytes). */
  varint(): number {
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.offset >= this.bytes.length) throw new MalformedMessageError('truncated varint');
      const byte = this.bytes[this.offset++];
      if (shift < 32) value |= (byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
    throw new MalformedMessageError('varint over 10 bytes');
  }

  delimited(): Buffer {
    const length = this.varint() >>> 0;
    if (length > this.bytes.length - this.offset) throw new MalformedMessageError('length-delimited field cut short');
    const start = this.offset;
    this.offset += length;
    return this.bytes.subarray(start, this.offset);
  }
}

/**
 * Decodes one message (no length prefix), refusing unknown field numbers, known fields of the
 * wrong wire type and truncated bytes (the V3 guide: unknown or extra fields close the socket).
 * `payload` is a view of `bytes`, not a copy.
 */
export function decodeMessage(bytes: Uint8Array): TunnelMessage {
  const reader = new FieldReader(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  const message: TunnelMessage = { type: TunnelMessageType.UNKNOWN };
  while (!reader.done) {
    const key = reader.varint() >>> 0;
    const field = key >>> 3;
    const wireType = key & 7;
    if (FIELD_WIRE_TYPES[field] !== wireType) throw new MalformedMessageError(`unexpected field ${field} (wire type ${wireType})`);
    switch (field) {
      case 1:
        message.type = reader.varint();
        break;
      case 2:
        message.streamId = reader.varint();
        break;
      case 3:
        message.ignorable = reader.varint() !== 0;
        break;
      case 4:
        message.payload = reader.delimited();
        break;
      case 5:
        message.serviceId = reader.delimited().toString('utf8');
        break;
      case 6:
        (message.availableServiceIds ??= []).push(reader.delimited().toString('utf8'));
        break;
      default:
        message.connectionId = reader.varint() >>> 0;
    }
  }
  return message;
}
