import { withDeadline } from '@rekey/platform';
import { appendFileSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalMongo } from './local-mongo';
import { testSetting } from './test-environment';

/** How one SDK call ended and how long it took. */
export interface TimedOutcome {
  /** `ok`, or the SDK error's name (the API's error shape). */
  outcome: string;
  status?: number;
  /** The error's message, when the call failed (says which dependency or bound refused it). */
  message?: string;
  elapsedMs: number;
}

/** How a call failed: an SDK client's error, or a replayed call's {@link ErrorAnswer} (its `status`). */
function failureOutcome(error: unknown): Omit<TimedOutcome, 'elapsedMs'> {
  const e = error as Error & { status?: number; $metadata?: { httpStatusCode?: number } };
  return { outcome: e.name, status: e.$metadata?.httpStatusCode ?? e.status, message: e.message };
}

/** Runs an SDK call, never rejecting: the outcome and its latency. */
export async function timedCall(call: () => Promise<unknown>): Promise<TimedOutcome> {
  const started = performance.now();
  try {
    await call();
    return { outcome: 'ok', status: 200, elapsedMs: performance.now() - started };
  } catch (error) {
    return { ...failureOutcome(error), elapsedMs: performance.now() - started };
  }
}

/** Milliseconds until `/health/ready` answers `status` (polled every 100 ms), or Infinity after `timeoutMs`. */
export async function readinessAfter(url: string, status: number, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await fetch(`${url}/health/ready`)).status === status) return Date.now() - started;
    await sleep(100);
  }
  return Infinity;
}

/** Milliseconds from now until `call` succeeds (tried every 100 ms), or Infinity after `timeoutMs`. */
export async function recoveryAfter(call: () => Promise<unknown>, timeoutMs = 15_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await timedCall(call)).outcome === 'ok') return Date.now() - started;
    await sleep(100);
  }
  return Infinity;
}

/** What a database fault did to an app: the calls made during it, readiness, and recovery once the database was back. */
export interface DatabaseFaultFigures {
  during: TimedOutcome[];
  readinessDownMs: number;
  recoveryMs: number;
  readinessUpMs: number;
}

/**
 * Stalls (SIGSTOP) or stops `mongo`, makes `calls` concurrent calls that need it, measures how
 * long readiness takes to say 503, then brings the database back and measures until `call`
 * succeeds and readiness is 200 again.
 */
export async function underDatabaseFault(fault: 'stalled' | 'stopped', mongo: LocalMongo, url: string, call: () => Promise<unknown>, calls = 10): Promise<DatabaseFaultFigures> {
  await (fault === 'stalled' ? mongo.stall() : mongo.stop());
  try {
    const during = await Promise.all(Array.from({ length: calls }, () => timedCall(call)));
    const readinessDownMs = await readinessAfter(url, 503);
    await (fault === 'stalled' ? mongo.resume() : mongo.start());
    // Recovery counts from the moment the database answers again.
    const recoveryMs = await recoveryAfter(call);
    const readinessUpMs = await readinessAfter(url, 200);
    return { during, readinessDownMs, recoveryMs, readinessUpMs };
  } catch (error) {
    await (fault === 'stalled' ? mongo.resume() : mongo.start()).catch(() => undefined);
    throw error;
  }
}

/**
 * Opens a connection and sends a request's headers one byte every 200 ms, never finishing them:
 * milliseconds until the server closes the connection, or Infinity after 30 s.
 */
export async function slowHeaderClientCut(url: string): Promise<number> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const started = Date.now();
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
  socket.on('error', () => undefined);
  const headers = `GET /health/live HTTP/1.1\r\nHost: ${hostname}\r\nX-Slow: ${'a'.repeat(1_000)}`;
  const trickle = (async () => {
    for (let i = 0; i < headers.length && !socket.destroyed && Date.now() - started < 30_000; i += 1) {
      socket.write(headers[i]);
      await sleep(200);
    }
  })();
  const cutAfter = await withDeadline(closed, 30_000).catch(() => Infinity);
  socket.destroy();
  await trickle;
  return cutAfter;
}

/**
 * The database-fault figures, as the suite asserts them: every call that needs the
 * database answered `expected` (e.g. `503 ServiceUnavailableException`), median within a second
 * and every answer within two (the suite shares a loaded host; full figures in
 * docs/reliability.md), readiness down within 2 s, everything back within 5 s.
 */
export function expectFastDatabaseFailure(figures: DatabaseFaultFigures, expected: string): void {
  expect(new Set(figures.during.map((d) => `${d.status} ${d.outcome}`))).toEqual(new Set([expected]));
  expect(percentile(figures.during.map((d) => d.elapsedMs), 50)).toBeLessThan(1_000);
  expect(Math.max(...figures.during.map((d) => d.elapsedMs))).toBeLessThan(2_000);
  expect(figures.readinessDownMs).toBeLessThan(2_000);
  expect(figures.recoveryMs).toBeLessThan(5_000);
  expect(figures.readinessUpMs).toBeLessThan(5_000);
}

/** What one call of an open-loop load did. */
export interface LoadCall<T> extends TimedOutcome {
  /** Index of the call (the load starts one every 1/rate seconds, whatever the answers' latency). */
  index: number;
  result?: T;
}

/**
 * Open-loop load: starts `call(index)` `ratePerSecond` times a second, without waiting for
 * answers (a slow server does not slow the load down), until `stop()` is called; resolves, once
 * every call has settled, to what each did.
 */
export function openLoopLoad<T>(ratePerSecond: number, call: (index: number) => Promise<T>): { stop: () => Promise<LoadCall<T>[]> } {
  const calls: Promise<LoadCall<T>>[] = [];
  const started = performance.now();
  let stopped = false;
  const timed = async (index: number): Promise<LoadCall<T>> => {
    const began = performance.now();
    try {
      const result = await call(index);
      return { index, result, outcome: 'ok', status: 200, elapsedMs: performance.now() - began };
    } catch (error) {
      return { index, ...failureOutcome(error), elapsedMs: performance.now() - began };
    }
  };
  const ticker = (async () => {
    while (!stopped) {
      // Catch up to the schedule: a late timer starts the calls it owes at once.
      const due = Math.floor(((performance.now() - started) / 1000) * ratePerSecond);
      while (calls.length < due) calls.push(timed(calls.length));
      await sleep(10);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await ticker;
      return Promise.all(calls);
    },
  };
}

/** The `p`-th percentile (0–100) of the values. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/**
 * Appends a fault test's measured figures as one JSON line to the file named by
 * `REKEY_FAULT_REPORT`, if set: how the full-length runs of docs/reliability.md are recorded.
 */
export function reportFigures(test: string, figures: Record<string, unknown>): void {
  const file = testSetting('REKEY_FAULT_REPORT');
  if (file) appendFileSync(file, `${JSON.stringify({ test, at: new Date().toISOString(), ...figures })}\n`);
}

/** Latency summary of calls, in milliseconds. */
export function latencies(calls: { elapsedMs: number }[]): { count: number; p50: number; p99: number; max: number } {
  const values = calls.map((call) => call.elapsedMs);
  return { count: values.length, p50: Math.round(percentile(values, 50)), p99: Math.round(percentile(values, 99)), max: Math.round(Math.max(...values)) };
}

/** Resident memory of another process (e.g. an app spawned by the test), from /proc: what the kernel gives it, not what the test process holds. */
export function residentMemoryBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m);
  if (!line) throw new Error(`no VmRSS for process ${pid}`);
  return Number(line[1]) * 1024;
}
