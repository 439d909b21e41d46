import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = join(__dirname, '..', '..', '..');
export const RESULTS = join(ROOT, 'tools', 'bench', 'results');
const PROFILES = join(RESULTS, 'profiles');

export type AppName = 'bots' | 'tunnels' | 'chat' | 'tunnel-relay' | 'chat-gateway';

/** Infrastructure from tools/infra: reuses servers already answering, else starts them (and leaves them running). */
export function infraUp(): { mongoUrl: string; kafkaBrokers: string } {
  return JSON.parse(execFileSync(process.execPath, [join(ROOT, 'tools', 'infra', 'cli.mjs'), 'up', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
}

/** The apps' production builds (Nx caches them when nothing changed). BENCH_SKIP_BUILD=1 uses dist/ as it is. */
export function buildApps(apps: AppName[]): void {
  if (process.env.BENCH_SKIP_BUILD === '1') return;
  // nx runs on the PATH's node, which may not know the images' NODE_OPTIONS (a build does not need them).
  const env = { ...process.env, NODE_OPTIONS: undefined };
  execFileSync(join(ROOT, 'node_modules', '.bin', 'nx'), ['run-many', '-t', 'build', `--projects=${apps.join(',')}`], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** A server process of the benchmark: an app, or a bare ceiling. */
export interface Server {
  name: string;
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** BENCH_CPU_PROF=1 writes a V8 CPU profile of every server to tools/bench/results/profiles/ when it stops. */
function profileArgs(name: string): string[] {
  if (process.env.BENCH_CPU_PROF !== '1') return [];
  mkdirSync(PROFILES, { recursive: true });
  return ['--cpu-prof', '--cpu-prof-dir', PROFILES, '--cpu-prof-name', `${name}.cpuprofile`];
}

/** Ready once the server answers `path` with 2xx. */
const answers = (path: string) => (url: string) => fetch(`${url}${path}`).then((r) => r.ok, () => false);

async function start(name: string, args: string[], env: NodeJS.ProcessEnv, ready: (url: string, stderr: string) => boolean | Promise<boolean>): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [...profileArgs(name), ...args], { cwd: ROOT, env: { PATH: process.env.PATH, NODE_OPTIONS: process.env.NODE_OPTIONS, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr = (stderr + String(chunk)).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited during start-up:\n${stderr}`);
    if (await ready(url, stderr)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL'); // not left behind, holding its port
      throw new Error(`${name} not ready within 60 s:\n${stderr}`);
    }
    await sleep(200);
  }
  return {
    name,
    url,
    process: child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000).then(() => void child.kill('SIGKILL'))]);
    },
  };
}

/**
 * Runs an app's production build (`node dist/apps/<app>/.../main.js`) on its own database, with the
 * development credentials and keyring (NODE_ENV unset), warn-level logs, and throttling out of the way.
 */
export function startApp(
  app: AppName,
  infra: { mongoUrl: string; kafkaBrokers: string },
  database: string,
  { name = app, env: extraEnv = {} }: { name?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Server> {
  const env = {
    ...extraEnv,
    MONGO_URI: `${infra.mongoUrl}/${database}`,
    KAFKA_BROKERS: infra.kafkaBrokers,
    LOG_LEVEL: 'warn',
    REKEY_THROTTLE_RPS: '1000000',
    REKEY_TUNNELS_MAX_OPEN: '1000000',
  };
  return start(name, [join(ROOT, 'dist', 'apps', app, 'apps', app, 'src', 'main.js')], env, answers('/health/ready'));
}

/** Runs a TypeScript server of tools/bench in its own process (as the apps run in theirs). */
export function startBenchServer(name: string, file: string, env: NodeJS.ProcessEnv = {}): Promise<Server> {
  return start(name, ['-r', '@swc-node/register', join(ROOT, 'tools', 'bench', file)], env, answers('/ready'));
}

/**
 * Runs a TypeScript program of the repository (e.g. `tools/local-proxy/main.ts`) in its own process,
 * ready once its standard error matches `ready`; resolves with the server and that match.
 */
export async function startTool(name: string, file: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ server: Server; ready: RegExpMatchArray }> {
  let match: RegExpMatchArray | null = null;
  const server = await start(name, ['-r', '@swc-node/register', join(ROOT, file), ...args], env, (_url, stderr) => (match = ready.exec(stderr)) !== null);
  return { server, ready: match! };
}
