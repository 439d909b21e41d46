// Eclipse Mosquitto (MQTT broker for device notifications) from Debian's package, run as a local process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './commands.mjs';
import { InfraError, step } from './log.mjs';
import { dataDir } from './paths.mjs';
import { mqttAnswers } from './probes.mjs';
import { startDetached } from './processes.mjs';

export const MOSQUITTO_MARKER = 'mosquitto.conf';
const INSTALLED_AT = '/usr/sbin/mosquitto';

function findMosquitto() {
  if (existsSync(INSTALLED_AT)) return INSTALLED_AT;
  const probe = spawnSync('mosquitto', ['-h'], { stdio: 'ignore' });
  return probe.error ? undefined : 'mosquitto';
}

/** The broker's binary, installed from the Debian package `mosquitto` when missing (as root, with apt-get). */
export function ensureMosquitto() {
  const found = findMosquitto();
  if (found) return found;
  const apt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' });
  if (apt.error || process.getuid?.() !== 0) {
    throw new InfraError("'mosquitto' was not found; install the Debian package mosquitto (apt-get install mosquitto), or set REKEY_MQTT_URL to a broker");
  }
  step('mqtt: installing the Debian package mosquitto (first run only)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-q'], { env });
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'mosquitto'], { env });
  const installed = findMosquitto();
  if (!installed) throw new InfraError('apt-get installed mosquitto but its binary is not at /usr/sbin/mosquitto');
  return installed;
}

export async function startMosquitto({ name, port }) {
  const binary = ensureMosquitto();
  const dir = join(dataDir, name);
  mkdirSync(dir, { recursive: true });
  const config = join(dir, MOSQUITTO_MARKER);
  writeFileSync(config, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  step(`${name}: starting on 127.0.0.1:${port}`);
  return startDetached({ name, command: binary, args: ['-c', config], cwd: dir, logPath: join(dir, 'mosquitto.log'), answers: () => mqttAnswers(port) });
}
