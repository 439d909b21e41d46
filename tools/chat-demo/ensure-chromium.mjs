#!/usr/bin/env node
// Debian's chromium for the browser tests (driven by playwright-core): installed with apt-get when
// missing (as root, as on the CI and development machines here). Prints its path when run.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const which = (name) => {
  try {
    return execFileSync('which', [name], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
};

/** The path of a chromium binary, installing Debian's package first when there is none. */
export function ensureChromium() {
  const found = which('chromium');
  if (found) return found;
  const apt = { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  execFileSync('apt-get', ['update'], apt);
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], apt);
  const installed = which('chromium');
  if (!installed) throw new Error('chromium is still missing after apt-get install');
  return installed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(`${ensureChromium()}\n`);
