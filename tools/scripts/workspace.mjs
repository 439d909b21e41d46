// Helpers shared by `npm start` and `npm test`; plain Node so they run before `npm install`.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

export function say(message) {
  process.stderr.write(`[rekey] ${message}\n`);
}

const manifestHash = () =>
  createHash('sha256').update(readFileSync(join(root, 'package.json'))).update(readFileSync(join(root, 'package-lock.json'))).digest('hex');

/**
 * Installs npm packages exactly as package-lock.json pins them when node_modules is missing or was
 * installed for other manifests; `npm ci` never rewrites the lock file.
 */
export function ensureDependencies() {
  const marker = join(root, 'node_modules', '.rekey-installed');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === manifestHash()) return;
  // `npm ci` empties node_modules first: through a symlink shared by git worktrees it would wipe
  // the other checkout's packages, so a linked node_modules must be installed where it lives.
  if (lstatSync(join(root, 'node_modules'), { throwIfNoEntry: false })?.isSymbolicLink()) {
    throw new Error('node_modules is a symlink installed for other manifests; run npm ci where it points');
  }
  say('installing npm packages');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm ci failed');
  writeFileSync(marker, manifestHash());
}

/** Runs a local tool from node_modules/.bin, resolving with its exit code. */
export function runTool(name, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(bin(name), args, { cwd: root, stdio: 'inherit', ...options });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

export function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}
