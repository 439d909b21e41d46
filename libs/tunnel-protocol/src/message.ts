import { Reader, Root, Type, types, Writer } from 'protobufjs';

/**
 * `com.amazonaws.iot.securedtunneling.Message` (localproxy `resources/Message.proto`), written
 * from the protocol guide's schema: type=1, streamId=2, ignorable=3, payload=4, serviceId=5,
 * availableServiceIds=6, connectionId=7.
 */
const root = Root.fromJSON({
  nested: {
    com: { nested: { amazonaws: { nested: { iot: { nested: { securedtunneling: { nested: {
      Message: {
        fields: {
          type: { type: 'Type', id: 1 },
          streamId: { type: 'int32', id: 2 },
          ignorable: { type: 'bool', id: 3 },
          payload: { type: 'bytes', id: 4 },
          serviceId: { type: 'string', id: 5 },
          availableServiceIds: { rule: 'repeated', type: 'string', id: 6 },
          connectionId: { type: 'uint32', id: 7 },
        },
        nested: {
          Type: {
            values: { UNKNOWN: 0, DATA: 1, STREAM_START: 2, STREAM_RESET: 3, SESSION_RESET: 4, SERVICE_IDS: 5, CONNECTION_START: 6, CONNECTION_RESET: 7 },
          },
        },
      },
    } } } } } } } },
  },
});
const MessageType = root.lookupType('com.amazonaws.iot.securedtunneling.Message') as Type;

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

/** Wire type each known field must use: varint 0, length-delimited 2. */
const FIELD_WIRE_TYPES: Record<number, number> = { 1: 0, 2: 0, 3: 0, 4: 2, 5: 2, 6: 2, 7: 0 };

/** A message the protocol refuses to parse: the guide says the server closes the connection. */
export class MalformedMessageError extends Error {}

/** Protobuf bytes of one message (no length prefix). */
export function encodeMessage(message: TunnelMessage): Uint8Array {
  return MessageType.encode(MessageType.fromObject(message)).finish();
}

const PAYLOAD_ID = MessageType.fields.payload.id;
const PAYLOAD_KEY = ((PAYLOAD_ID << 3) | types.basic.bytes) >>> 0;

/**
 * A message's protobuf bytes around its payload: the fields numbered before `payload`, and those
 * after it. `before`, {@link encodePayloadKey}, the payload bytes, then `after` are exactly the
 * bytes of {@link encodeMessage} with that payload, so a framer can place each payload once.
 */
export function encodeAroundPayload(fields: Omit<TunnelMessage, 'payload'>): { before: Uint8Array; after: Uint8Array } {
  const part = (wanted: (id: number) => boolean) =>
    MessageType.encode(MessageType.fromObject(Object.fromEntries(Object.entries(fields).filter(([name]) => wanted(MessageType.fields[name].id))))).finish();
  return { before: part((id) => id < PAYLOAD_ID), after: part((id) => id > PAYLOAD_ID) };
}

/** The key and length that precede a payload of `length` bytes in a message's protobuf bytes. */
export function encodePayloadKey(length: number): Uint8Array {
  return Writer.create().uint32(PAYLOAD_KEY).uint32(length).finish();
}

/**
 * Decodes one message, refusing unknown field numbers, known fields of the wrong wire type and
 * truncated bytes (the V3 guide: unknown or extra fields close the socket).
 */
export function decodeMessage(bytes: Uint8Array): TunnelMessage {
  const reader = Reader.create(bytes);
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const field = tag >>> 3;
      const wireType = tag & 7;
      if (FIELD_WIRE_TYPES[field] !== wireType) throw new MalformedMessageError(`unexpected field ${field} (wire type ${wireType})`);
      reader.skipType(wireType);
    }
    const decoded = MessageType.toObject(MessageType.decode(bytes), { enums: Number, defaults: false, arrays: false }) as TunnelMessage;
    return { ...decoded, type: decoded.type ?? TunnelMessageType.UNKNOWN };
  } catch (error) {
    if (error instanceof MalformedMessageError) throw error;
    throw new MalformedMessageError(`undecodable message: ${(error as Error).message}`);
  }
}
