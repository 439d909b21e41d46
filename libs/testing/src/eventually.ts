import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `read` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function eventually<T>(read: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}
