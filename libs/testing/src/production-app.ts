import { AppName } from '@rekey/contracts';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEV_TENANTS } from './aws-clients';
import { testKafkaBrokers, testSetting, uniqueMongoUri } from './test-environment';

const workspaceRoot = join(__dirname, '..', '..', '..');

const BUILD_LOCK = join(workspaceRoot, 'dist', '.build-lock');
/** A lock older than this was left by a test process that died while building. */
const STALE_BUILD_LOCK_MS = 5 * 60_000;

/**
 * Builds the apps' production output (cached by Nx when nothing changed). Test files that build
 * at the same time take turns (a lock directory in dist/): two builds writing dist/ at once trip
 * over each other.
 */
export async function buildApps(apps: AppName[]): Promise<void> {
  mkdirSync(join(workspaceRoot, 'dist'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      break;
    } catch {
      const since = Date.now() - (statSync(BUILD_LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (since > STALE_BUILD_LOCK_MS) rmSync(BUILD_LOCK, { recursive: true, force: true });
      else await sleep(500);
    }
  }
  try {
    execFileSync(join(workspaceRoot, 'node_modules', '.bin', 'nx'), ['run-many', '-t', 'build', `--projects=${apps.join(',')}`], {
      cwd: workspaceRoot,
      stdio: 'ignore',
    });
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** Credentials and keyring files as production mounts them (the dev tenants' keys, a fresh master key). */
export function writeProductionSecrets(): { REKEY_CREDENTIALS_FILE: string; REKEY_KEYRING_FILE: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rekey-secrets-'));
  const credentials = join(dir, 'credentials.json');
  const keyring = join(dir, 'keyring.json');
  writeFileSync(credentials, JSON.stringify(Object.values(DEV_TENANTS)));
  writeFileSync(keyring, JSON.stringify({ current: 'k1', keys: { k1: randomBytes(32).toString('base64') } }));
  return { REKEY_CREDENTIALS_FILE: credentials, REKEY_KEYRING_FILE: keyring };
}

export interface ProductionApp {
  process: ChildProcess;
  url: string;
  env: NodeJS.ProcessEnv;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  stderr(): string;
  /** The app's log lines so far (JSON, at its LOG_LEVEL: warn unless the test sets another). */
  stdout(): string;
}

/**
 * Runs an app's production build as `node main.js` with NODE_ENV=production and a full config;
 * `fromSource` runs its TypeScript through @swc-node/register instead (no build step), for tests
 * that need another app as a process.
 */
export async function spawnProductionApp(app: AppName, env: NodeJS.ProcessEnv = {}, { fromSource = false } = {}): Promise<ProductionApp> {
  const port = await freePort();
  const fullEnv: NodeJS.ProcessEnv = {
    PATH: testSetting('PATH'),
    NODE_ENV: 'production',
    PORT: String(port),
    MONGO_URI: uniqueMongoUri(`rekey_${app}`),
    KAFKA_BROKERS: testKafkaBrokers(),
    AWS_REGION: 'us-east-1',
    LOG_LEVEL: 'warn',
    ...writeProductionSecrets(),
    ...env,
  };
  const main = fromSource ? ['-r', '@swc-node/register', join(workspaceRoot, 'apps', app, 'src', 'main.ts')] : [join(workspaceRoot, 'dist', 'apps', app, 'apps', app, 'src', 'main.js')];
  const child = spawn(process.execPath, main, {
    cwd: workspaceRoot,
    env: fullEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  child.stdout!.on('data', (chunk) => (stdout += String(chunk)));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { process: child, url: `http://127.0.0.1:${port}`, env: fullEnv, exited, stderr: () => stderr, stdout: () => stdout };
}

/** Waits until the app answers ready, or fails with its stderr if it exits or takes too long. */
export async function waitUntilReady(app: ProductionApp, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (app.process.exitCode !== null) throw new Error(`app exited during start-up:\n${app.stderr()}`);
    const ready = await fetch(`${app.url}/health/ready`).then((r) => r.ok, () => false);
    if (ready) return;
    await sleep(200);
  }
  throw new Error(`app not ready within ${timeoutMs} ms:\n${app.stderr()}`);
}
