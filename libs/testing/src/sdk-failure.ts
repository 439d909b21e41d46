/** An error an official AWS SDK client rejected with, as it parsed it, with its HTTP status as `status`. */
export type SdkFailure = Error & { status?: number; $metadata?: { httpStatusCode?: number } } & Record<string, unknown>;

/**
 * The error an SDK call rejected with, or undefined when it succeeded. Takes the call's promise,
 * or a function making it, so that it is created only when awaited (a rejected promise left
 * waiting fails the test run).
 */
export async function outcomeOf(call: Promise<unknown> | (() => Promise<unknown>)): Promise<SdkFailure | undefined> {
  try {
    await (typeof call === 'function' ? call() : call);
    return undefined;
  } catch (error) {
    const failure = error as SdkFailure;
    return Object.assign(failure, { status: failure.$metadata?.httpStatusCode });
  }
}

/** The error an SDK call rejected with (see {@link outcomeOf}); throws when the call succeeded. */
export async function failureOf(call: Promise<unknown> | (() => Promise<unknown>)): Promise<SdkFailure> {
  const failure = await outcomeOf(call);
  if (!failure) throw new Error('expected the call to fail');
  return failure;
}
