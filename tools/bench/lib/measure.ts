import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { SignedCall } from './signed-requests';

/** How long each measured row runs, after a warm-up of its own (JIT, connection pools, caches). */
export const SETTINGS = {
  connections: Number(process.env.BENCH_CONNECTIONS ?? 16),
  seconds: Number(process.env.BENCH_SECONDS ?? 8),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 2),
};

/** One measured load: throughput, latency percentiles (ms) and errors (anything but the expected answer). */
export interface Measurement {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  p999: number;
  errors: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summarize(latencies: number[], seconds: number, errors: number): Measurement {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { requests: sorted.length, seconds, rps: sorted.length / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), p999: percentile(sorted, 99.9), errors };
}

/**
 * Drives an HTTP server with autocannon at {@link SETTINGS}.connections, cycling through a pool of
 * pre-signed calls in one global order (consecutive requests address different resources, as
 * independent clients would). A warm-up run precedes the measured one.
 */
export async function hammer(baseUrl: string, pool: SignedCall[], seconds = SETTINGS.seconds): Promise<Measurement> {
  let next = 0;
  const requests = [{ setupRequest: () => pool[next++ % pool.length] }];
  const run = (duration: number) => autocannon({ url: baseUrl, connections: SETTINGS.connections, duration, timeout: 30, requests });
  if (SETTINGS.warmupSeconds > 0) await run(SETTINGS.warmupSeconds);
  const result = await run(seconds);
  const total = result.requests.total;
  return {
    requests: total,
    seconds: result.duration,
    rps: total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    p999: result.latency.p99_9,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/**
 * The ceiling's load: `concurrency` workers each calling `operation` back to back (a closed loop,
 * like autocannon's connections), for the same warm-up and duration as {@link hammer}.
 * `operation` resolves false for a wrong answer, counted as an error.
 */
export async function closedLoop(operation: (worker: number, i: number) => Promise<boolean>, seconds = SETTINGS.seconds, concurrency = SETTINGS.connections): Promise<Measurement> {
  const run = async (duration: number) => {
    const latencies: number[] = [];
    let errors = 0;
    const start = performance.now();
    const end = start + duration * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        for (let i = 0; performance.now() < end; i += 1) {
          const began = performance.now();
          const ok = await operation(worker, i).catch(() => false);
          latencies.push(performance.now() - began);
          if (!ok) errors += 1;
        }
      }),
    );
    return summarize(latencies, (performance.now() - start) / 1000, errors);
  };
  if (SETTINGS.warmupSeconds > 0) await run(SETTINGS.warmupSeconds);
  return run(seconds);
}

/** Calls `send(i)` at a steady `rate` per second for `seconds` (open loop: a slow answer does not delay the next call). */
export async function steady(rate: number, seconds: number, send: (i: number) => Promise<void>): Promise<{ sent: number; seconds: number }> {
  const total = Math.round(rate * seconds);
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 1) await sleep(wait);
    inFlight.push(send(i));
  }
  await Promise.all(inFlight);
  return { sent: total, seconds: (performance.now() - start) / 1000 };
}

/** One call at a time, until `maxCalls` or `seconds` are reached (but at least `minCalls`): latency with nothing queued. */
export async function sequential(operation: (i: number) => Promise<boolean>, seconds: number, maxCalls: number, minCalls = 3): Promise<Measurement> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  for (let i = 0; i < maxCalls && (i < minCalls || performance.now() - start < seconds * 1000); i += 1) {
    const began = performance.now();
    if (!(await operation(i).catch(() => false))) errors += 1;
    latencies.push(performance.now() - began);
  }
  return summarize(latencies, (performance.now() - start) / 1000, errors);
}

/** The machine's CPU time so far, all cores and all processes (Linux's /proc/stat): busy and total, in ticks. */
function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const [user, nice, system, idle, iowait, ...rest] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const total = user + nice + system + idle + iowait + rest.reduce((sum, ticks) => sum + ticks, 0);
    return { busy: total - idle - iowait, total };
  } catch {
    return undefined;
  }
}

/**
 * How many of the machine's cores were busy (all processes: apps, Kafka, MongoDB, this load
 * generator) while `work` ran: whether a rate was bounded by the machine itself.
 */
export async function withMachineLoad<T>(work: () => Promise<T>): Promise<{ result: T; busyCores?: number }> {
  const before = machineTicks();
  const result = await work();
  const after = machineTicks();
  if (!before || !after || after.total === before.total) return { result };
  return { result, busyCores: ((after.busy - before.busy) / (after.total - before.total)) * cpus().length };
}

/** A row's note on the machine's load, e.g. "machine 1.9 of 2 cores busy". */
export const machineLoadNote = (busyCores: number | undefined) => (busyCores === undefined ? undefined : `machine ${busyCores.toFixed(1)} of ${cpus().length} cores busy`);
