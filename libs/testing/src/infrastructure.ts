import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testSetting } from './test-environment';

/** Real servers a test run talks to. */
export interface Infrastructure {
  /** MongoDB-wire server URL without a database, e.g. `mongodb://127.0.0.1:27017`. */
  mongoUrl: string;
  kafkaBrokers: string;
  /** MQTT broker URL (`REKEY_MQTT_URL` in the environment mode; tools/infra's Mosquitto otherwise). */
  mqttUrl?: string;
  /** How they were obtained, for the run's log line. */
  source: 'environment' | 'testcontainers' | 'tools/infra';
  /** Stops whatever this process started (nothing for servers it reused). */
  release(): Promise<void>;
}

const workspaceRoot = join(__dirname, '..', '..', '..');
const infraCli = join(workspaceRoot, 'tools', 'infra', 'cli.mjs');
const run = promisify(execFile);

function fromEnvironment(): Infrastructure | undefined {
  const [MONGO_URI, KAFKA_BROKERS, mqttUrl] = [testSetting('MONGO_URI'), testSetting('KAFKA_BROKERS'), testSetting('REKEY_MQTT_URL')];
  if (!MONGO_URI || !KAFKA_BROKERS) return undefined;
  const mongoUrl = new URL(MONGO_URI);
  mongoUrl.pathname = '';
  return {
    mongoUrl: mongoUrl.toString().replace(/\/$/, ''),
    kafkaBrokers: KAFKA_BROKERS,
    ...(mqttUrl && { mqttUrl }),
    source: 'environment',
    release: async () => {},
  };
}

function dockerEngineMayAnswer(): boolean {
  return Boolean(testSetting('DOCKER_HOST')) || existsSync('/var/run/docker.sock');
}

async function fromTestcontainers(): Promise<Infrastructure | undefined> {
  if (!dockerEngineMayAnswer()) return undefined;
  const { startContainers } = await import('./testcontainers');
  return startContainers();
}

async function fromToolsInfra(): Promise<Infrastructure> {
  const { stdout, stderr } = await run(process.execPath, [infraCli, 'up', '--json'], { maxBuffer: 16 * 1024 * 1024 });
  process.stderr.write(stderr);
  const result = JSON.parse(stdout) as { mongoUrl: string; kafkaBrokers: string; mqttUrl: string; started: string[] };
  return {
    mongoUrl: result.mongoUrl,
    kafkaBrokers: result.kafkaBrokers,
    mqttUrl: result.mqttUrl,
    source: 'tools/infra',
    release: async () => {
      if (result.started.length > 0) await run(process.execPath, [infraCli, 'down', ...result.started]);
    },
  };
}

/**
 * Servers for a test run, in the order architecture.md fixes: `MONGO_URI` / `KAFKA_BROKERS` when
 * set, testcontainers when a Docker engine answers, otherwise local processes via tools/infra.
 */
export async function resolveInfrastructure(): Promise<Infrastructure> {
  return fromEnvironment() ?? (await fromTestcontainers()) ?? (await fromToolsInfra());
}
