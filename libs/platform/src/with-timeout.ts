/** Thrown by {@link withTimeout} when the work did not settle in time. */
export class TimeoutError extends Error {}

/**
 * The work's result, or a {@link TimeoutError} naming `what` once `ms` have passed (the work
 * itself is not cancelled). The one way Rekey bounds a wait on a dependency.
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
