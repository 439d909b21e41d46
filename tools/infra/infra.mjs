// Brings the local Kafka, MongoDB-wire server (mongo-java-server by default, FerretDB with
// REKEY_MONGO_SERVER=ferretdb) and MQTT broker up, reusing servers that already answer, and down again.
import { FERRETDB_MARKER, startFerretdb } from './ferretdb.mjs';
import { KAFKA_MARKER, startKafka } from './kafka.mjs';
import { InfraError, step } from './log.mjs';
import { MONGO_JAVA_SERVER_MARKER, startMongoJavaServer } from './mongo-java-server.mjs';
import { MOSQUITTO_MARKER, startMosquitto } from './mosquitto.mjs';
import { kafkaAnswers, mongoAnswers, mqttAnswers, portInUse } from './probes.mjs';
import { recordedPid, stopRecorded } from './processes.mjs';

/** MongoDB-wire servers tools/infra can run; REKEY_MONGO_SERVER picks one (see README). */
const mongoServers = {
  'mongo-java-server': { marker: MONGO_JAVA_SERVER_MARKER, start: startMongoJavaServer },
  ferretdb: { marker: FERRETDB_MARKER, start: startFerretdb },
};
const mongoServerName = process.env.REKEY_MONGO_SERVER ?? 'mongo-java-server';
if (!mongoServers[mongoServerName]) {
  throw new InfraError(`REKEY_MONGO_SERVER must be one of ${Object.keys(mongoServers).join(', ')}`);
}

const servers = {
  kafka: { marker: KAFKA_MARKER, answers: kafkaAnswers, start: startKafka, protocol: 'Kafka' },
  mongo: { ...mongoServers[mongoServerName], answers: mongoAnswers, protocol: 'MongoDB' },
  mqtt: { marker: MOSQUITTO_MARKER, answers: mqttAnswers, start: startMosquitto, protocol: 'MQTT' },
};

async function ensureServer(kind, port) {
  const server = servers[kind];
  const name = `${kind}-${port}`;
  if (await server.answers(port)) {
    const ours = recordedPid(name, server.marker) !== undefined;
    step(`${name}: already answering on 127.0.0.1:${port}, reusing it`);
    return { name, started: false, ours };
  }
  if (await portInUse(port)) {
    throw new InfraError(`port ${port} is taken by a process that does not answer the ${server.protocol} protocol`);
  }
  const pid = await server.start({ name, port });
  step(`${name}: ready (pid ${pid})`);
  return { name, started: true, ours: true };
}

/**
 * Ensures Kafka, a MongoDB-wire server and an MQTT broker answer on the given ports.
 * `started` names the servers this call started, which the caller should stop with `down`.
 */
export async function up({ kafkaPort = 9092, mongoPort = 27017, mqttPort = 1883 } = {}) {
  const results = await Promise.all([ensureServer('kafka', kafkaPort), ensureServer('mongo', mongoPort), ensureServer('mqtt', mqttPort)]);
  return {
    mongoUrl: `mongodb://127.0.0.1:${mongoPort}`,
    kafkaBrokers: `127.0.0.1:${kafkaPort}`,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    started: results.filter((r) => r.started).map((r) => r.name),
    reused: results.filter((r) => !r.started).map((r) => r.name),
  };
}

/** Stops the named servers (e.g. `kafka-9092`, `mongo-27017`) if tools/infra started them; others are left alone. */
export async function down(names) {
  for (const name of names) {
    const kind = name.split('-')[0];
    if (!servers[kind]) throw new InfraError(`unknown server '${name}' (expected kafka-<port>, mongo-<port> or mqtt-<port>)`);
    const stopped = await stopRecorded(name, servers[kind].marker);
    if (!stopped) step(`${name}: not started by tools/infra, nothing to stop`);
  }
}

/** Sends STOP or CONT to a server tools/infra started (fault tests stall a private instance this way). */
export function signal(name, which) {
  const kind = name.split('-')[0];
  if (!servers[kind]) throw new InfraError(`unknown server '${name}' (expected kafka-<port> or mongo-<port>)`);
  if (which !== 'STOP' && which !== 'CONT') throw new InfraError(`signal must be STOP or CONT, not '${which}'`);
  const pid = recordedPid(name, servers[kind].marker);
  if (pid === undefined) throw new InfraError(`${name} was not started by tools/infra`);
  process.kill(-pid, `SIG${which}`);
}
