import { awsClientConfig } from './aws-clients';

interface ClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
  systemClockOffset?: number;
}

interface SdkClient {
  send(command: never): Promise<unknown>;
  middlewareStack: { add(middleware: unknown, options: { step: 'deserialize'; name: string }): void };
}

export type SigV4Case = 'wrongSecret' | 'unknownKey' | 'bodyChangedAfterSigning' | 'dated20MinutesOff';

export interface Refusal {
  name: string;
  status?: number;
}

/** Runs between the signer and the wire: changes one byte of the signed body (or the query, for a call without one). */
const tamperAfterSigning = (next: (args: { request: { body?: unknown; query: Record<string, string> } }) => unknown) => (args: { request: { body?: unknown; query: Record<string, string> } }) => {
  const { request } = args;
  // Same length (the signed content-length stays true) and still valid JSON: only the signature can tell.
  if (typeof request.body === 'string' && /[a-z0-9]/i.test(request.body)) request.body = request.body.replace(/[a-z0-9](?=[^a-z0-9]*$)/i, (c) => (c === 'a' ? 'b' : 'a'));
  else request.query = { ...request.query, tampered: '1' };
  return next(args);
};

/**
 * Sends one command, as the official SDK client builds it, in each of the ways SigV4 must refuse:
 * signed with a wrong secret, with an unknown access key, with the body changed after signing,
 * and dated 20 minutes away from the server's clock. Returns how each was refused.
 */
export async function sigV4Refusals(url: string, clientFor: (config: ClientConfig) => SdkClient, command: () => unknown): Promise<Record<SigV4Case, Refusal>> {
  const valid: ClientConfig = awsClientConfig(url);
  const clients: Record<SigV4Case, SdkClient> = {
    wrongSecret: clientFor({ ...valid, credentials: { ...valid.credentials, secretAccessKey: 'not-the-secret-of-this-key-0000000000000' } }),
    unknownKey: clientFor({ ...valid, credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: valid.credentials.secretAccessKey } }),
    bodyChangedAfterSigning: clientFor(valid),
    dated20MinutesOff: clientFor({ ...valid, systemClockOffset: -20 * 60 * 1000 }),
  };
  clients.bodyChangedAfterSigning.middlewareStack.add(tamperAfterSigning, { step: 'deserialize', name: 'tamperAfterSigning' });
  const refusals = {} as Record<SigV4Case, Refusal>;
  for (const [kind, client] of Object.entries(clients) as Array<[SigV4Case, SdkClient]>) {
    refusals[kind] = await client.send(command() as never).then(
      () => ({ name: 'accepted' }),
      (error: Error & { $metadata?: { httpStatusCode?: number } }) => ({ name: error.name, status: error.$metadata?.httpStatusCode }),
    );
  }
  return refusals;
}
