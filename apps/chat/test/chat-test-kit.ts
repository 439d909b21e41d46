/** The error the SDK rejected with, for assertions on the AWS error it parsed; fails if the call succeeded. */
export async function failureOf(call: Promise<unknown>): Promise<Record<string, unknown> & { name: string; $metadata: { httpStatusCode?: number } }> {
  try {
    await call;
  } catch (error) {
    return error as Record<string, unknown> & { name: string; $metadata: { httpStatusCode?: number } };
  }
  throw new Error('the call succeeded');
}
