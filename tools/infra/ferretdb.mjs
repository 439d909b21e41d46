// FerretDB 1.24 on SQLite, built once from the Go module proxy into the cache.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireCommand, run } from './commands.mjs';
import { step } from './log.mjs';
import { binDir, dataDir, FERRETDB_VERSION } from './paths.mjs';
import { mongoAnswers } from './probes.mjs';
import { startDetached } from './processes.mjs';

const sourceDir = join(dirname(fileURLToPath(import.meta.url)), 'ferretdb');
export const FERRETDB_MARKER = 'rekey-ferretdb';

/** Path of the cached binary; its name carries a hash of the wrapper's sources, so edits rebuild it. */
function binaryPath() {
  const hash = createHash('sha256');
  for (const file of ['go.mod', 'go.sum', 'main.go']) hash.update(readFileSync(join(sourceDir, file)));
  return join(binDir, `${FERRETDB_MARKER}-${FERRETDB_VERSION}-${hash.digest('hex').slice(0, 12)}`);
}

export function ensureFerretdbBinary() {
  const binary = binaryPath();
  if (existsSync(binary)) return binary;
  requireCommand('go', 'build FerretDB (install Go 1.22+)');
  step(`ferretdb: building FerretDB ${FERRETDB_VERSION} with go (first run only, a few minutes)`);
  mkdirSync(binDir, { recursive: true });
  run('go', ['build', '-trimpath', '-o', binary, '.'], {
    cwd: sourceDir,
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
  });
  return binary;
}

export async function startFerretdb({ name, port }) {
  const binary = ensureFerretdbBinary();
  const dir = join(dataDir, name);
  mkdirSync(dir, { recursive: true });
  step(`${name}: starting on 127.0.0.1:${port}`);
  return startDetached({
    name,
    command: binary,
    args: ['--listen-addr', `127.0.0.1:${port}`, '--sqlite-url', `file:${dir}/`],
    cwd: dir,
    logPath: join(dir, 'ferretdb.log'),
    answers: () => mongoAnswers(port),
  });
}
