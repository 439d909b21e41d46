// Where tools/infra keeps downloads, builds, server data and pid files: outside the work tree,
// so a fresh clone reuses them and `git clean` never throws them away.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const KAFKA_VERSION = '3.9.1';
export const FERRETDB_VERSION = '1.24.2';

export const cacheDir = process.env.REKEY_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'rekey');
export const binDir = join(cacheDir, 'bin');
export const dataDir = join(cacheDir, 'data');
export const runDir = join(cacheDir, 'run');
export const kafkaLibsDir = join(cacheDir, `kafka-${KAFKA_VERSION}`, 'libs');
