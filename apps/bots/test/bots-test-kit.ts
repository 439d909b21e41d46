/** The error of a Chime SDK call, created only when awaited (a rejected promise left waiting fails the test run). */
export async function failure(call: () => Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await call();
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail');
}
