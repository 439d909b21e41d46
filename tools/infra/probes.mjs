// Protocol-level readiness probes: an open port is not enough, the server must answer a real
// request. Both are hand-rolled on `net` so that tools/infra runs before `npm install`.
import net from 'node:net';

function exchange(port, request, isComplete, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    const finish = (value) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => finish(null));
    socket.on('error', () => finish(null));
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (isComplete(received)) finish(received);
    });
    socket.on('close', () => finish(null));
  });
}

const sizePrefixedComplete = (buffer) => buffer.length >= 4 && buffer.length >= 4 + buffer.readInt32BE(0);

/** True when a Kafka broker on the port answers a Metadata request listing at least one broker. */
export async function kafkaAnswers(port) {
  const clientId = Buffer.from('rekey-infra');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4);
  let offset = body.writeInt16BE(3, 0); // api key: Metadata
  offset = body.writeInt16BE(0, offset); // version 0
  offset = body.writeInt32BE(1, offset); // correlation id
  offset = body.writeInt16BE(clientId.length, offset);
  offset += clientId.copy(body, offset);
  body.writeInt32BE(0, offset); // no topics named
  const request = Buffer.concat([Buffer.alloc(4), body]);
  request.writeInt32BE(body.length, 0);
  const response = await exchange(port, request, sizePrefixedComplete);
  return response !== null && response.length >= 12 && response.readInt32BE(8) >= 1;
}

function bsonPing() {
  const ping = Buffer.from('ping\0');
  const dbKey = Buffer.from('$db\0');
  const dbValue = Buffer.from('admin\0');
  const length = 4 + (1 + ping.length + 4) + (1 + dbKey.length + 4 + dbValue.length) + 1;
  const doc = Buffer.alloc(length);
  let offset = doc.writeInt32LE(length, 0);
  offset = doc.writeUInt8(0x10, offset);
  offset += ping.copy(doc, offset);
  offset = doc.writeInt32LE(1, offset);
  offset = doc.writeUInt8(0x02, offset);
  offset += dbKey.copy(doc, offset);
  offset = doc.writeInt32LE(dbValue.length, offset);
  dbValue.copy(doc, offset);
  return doc;
}

/** True when a MongoDB-wire server on the port answers `ping` with ok: 1. */
export async function mongoAnswers(port) {
  const doc = bsonPing();
  const header = Buffer.alloc(16 + 4 + 1);
  header.writeInt32LE(header.length + doc.length, 0);
  header.writeInt32LE(1, 4); // request id
  header.writeInt32LE(0, 8);
  header.writeInt32LE(2013, 12); // OP_MSG
  header.writeUInt32LE(0, 16); // flag bits
  header.writeUInt8(0, 20); // section kind 0: body
  const isComplete = (buffer) => buffer.length >= 4 && buffer.length >= buffer.readInt32LE(0);
  const response = await exchange(port, Buffer.concat([header, doc]), isComplete);
  if (response === null) return false;
  const okDouble = Buffer.concat([Buffer.from([0x01]), Buffer.from('ok\0'), Buffer.alloc(8)]);
  okDouble.writeDoubleLE(1, 4);
  return response.includes(okDouble);
}

/** True when something accepts TCP connections on the port, whatever it speaks. */
export function portInUse(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** True when an MQTT broker on the port accepts an MQTT 3.1.1 CONNECT (CONNACK, return code 0). */
export async function mqttAnswers(port) {
  // CONNECT: protocol "MQTT" level 4, clean session, keep-alive 60 s, empty client id.
  const connect = Buffer.from([0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00]);
  const response = await exchange(port, connect, (buffer) => buffer.length >= 4);
  return response !== null && response[0] === 0x20 && response[3] === 0x00;
}
