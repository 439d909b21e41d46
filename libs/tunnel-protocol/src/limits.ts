/** Largest WebSocket message payload either side may send (V3 guide; localproxy's max_frame_size). */
export const MAX_WEBSOCKET_FRAME_BYTES = 131_076;
/** Largest `payload` of one DATA message: 63 KiB. */
export const MAX_DATA_PAYLOAD_BYTES = 64_512;
/** Largest protobuf message behind one 2-byte length prefix. */
export const MAX_MESSAGE_BYTES = 65_535;
/** Largest upgrade request (request line and headers) the service accepts. */
export const MAX_HANDSHAKE_BYTES = 4_096;
/** Bytes queued on a WebSocket past which its sender stops reading what feeds it, until they are written. */
export const SEND_HIGH_WATER_BYTES = 1_048_576;
