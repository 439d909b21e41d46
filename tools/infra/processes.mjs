// Starts servers as detached processes that outlive this script, remembers each by a pid file,
// and stops exactly those pids (never "whatever listens on the port").
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError, step } from './log.mjs';
import { runDir } from './paths.mjs';

const pidFile = (name) => join(runDir, `${name}.pid`);

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid recorded for a server we started, if that process still runs the same command. */
export function recordedPid(name, marker) {
  if (!existsSync(pidFile(name))) return undefined;
  const pid = Number(readFileSync(pidFile(name), 'utf8'));
  const cmdline = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
  return isAlive(pid) && cmdline.includes(marker) ? pid : undefined;
}

function tail(path) {
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').slice(-15).join('\n') : '';
}

/**
 * Spawns a detached server, writes its pid file and waits until `answers()` is true.
 * Fails (and kills the process) if it exits early or does not answer within the timeout.
 */
export async function startDetached({ name, command, args, cwd, logPath, answers, timeoutMs = 90_000 }) {
  mkdirSync(runDir, { recursive: true });
  const out = openSync(logPath, 'a');
  const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', out, out] });
  child.unref();
  writeFileSync(pidFile(name), String(child.pid));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(child.pid)) {
      rmSync(pidFile(name), { force: true });
      throw new InfraError(`${name} exited during start-up; last lines of ${logPath}:\n${tail(logPath)}`);
    }
    if (await answers()) return child.pid;
    await sleep(250);
  }
  await stopRecorded(name, command);
  throw new InfraError(`${name} did not answer within ${timeoutMs / 1000}s; see ${logPath}:\n${tail(logPath)}`);
}

/** Stops the process recorded in the pid file (SIGTERM, then SIGKILL after 20 s). */
export async function stopRecorded(name, marker) {
  const pid = recordedPid(name, marker);
  rmSync(pidFile(name), { force: true });
  if (pid === undefined) return false;
  step(`${name}: stopping pid ${pid}`);
  process.kill(-pid, 'SIGTERM');
  for (let waited = 0; waited < 20_000 && isAlive(pid); waited += 100) await sleep(100);
  if (isAlive(pid)) process.kill(-pid, 'SIGKILL');
  return true;
}
