#!/usr/bin/env node
// tools/infra command line:
//   node tools/infra/cli.mjs up [--kafka-port 9092] [--mongo-port 27017] [--mqtt-port 1883] [--json]
//   node tools/infra/cli.mjs down [kafka-9092 mongo-27017 mqtt-1883 ...]   (default: the three default ports)
//   node tools/infra/cli.mjs signal mongo-27117 STOP|CONT           (stalls / resumes a server it started)
//   node tools/infra/cli.mjs kustomize                               (prints the cached binary's path)
//   node tools/infra/cli.mjs promtool                                (prints promtool's command, installing it)
import { parseArgs } from 'node:util';
import { down, signal, up } from './infra.mjs';
import { ensureKustomize } from './kustomize.mjs';
import { InfraError } from './log.mjs';
import { ensurePromtool } from './promtool.mjs';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    'kafka-port': { type: 'string', default: '9092' },
    'mongo-port': { type: 'string', default: '27017' },
    'mqtt-port': { type: 'string', default: '1883' },
    json: { type: 'boolean', default: false },
  },
});
const [command, ...names] = positionals;
const kafkaPort = Number(values['kafka-port']);
const mongoPort = Number(values['mongo-port']);
const mqttPort = Number(values['mqtt-port']);

try {
  if (command === 'up') {
    const result = await up({ kafkaPort, mongoPort, mqttPort });
    process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `MONGO_URI base ${result.mongoUrl}\nKAFKA_BROKERS ${result.kafkaBrokers}\nREKEY_MQTT_URL ${result.mqttUrl}\n`);
  } else if (command === 'down') {
    await down(names.length > 0 ? names : [`kafka-${kafkaPort}`, `mongo-${mongoPort}`, `mqtt-${mqttPort}`]);
  } else if (command === 'signal') {
    signal(names[0], names[1]);
  } else if (command === 'kustomize') {
    process.stdout.write(`${ensureKustomize()}\n`);
  } else if (command === 'promtool') {
    process.stdout.write(`${ensurePromtool()}\n`);
  } else {
    process.stderr.write('usage: cli.mjs up|down|signal|kustomize|promtool [names...] [--kafka-port N] [--mongo-port N] [--mqtt-port N] [--json]\n');
    process.exitCode = 2;
  }
} catch (error) {
  if (!(error instanceof InfraError)) throw error;
  process.stderr.write(`[infra] error: ${error.message}\n`);
  process.exitCode = 1;
}
