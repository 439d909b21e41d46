import { ChimeClient, GetBotCommand } from '@aws-sdk/client-chime';
import { IoTSecureTunnelingClient, RotateTunnelAccessTokenCommand } from '@aws-sdk/client-iotsecuretunneling';
import { CreateChatTokenCommand, IvschatClient } from '@aws-sdk/client-ivschat';
import type { HttpRequest } from '@smithy/protocol-http';
import { DEV_CREDENTIALS } from '@rekey/contracts';
import { CredentialStore } from './credential-store';
import botocoreSigned from './botocore-signed.fixture.json';
import { AuthError, SignedRequest, SigV4Verifier } from './sigv4-verifier';

const [tenantA] = DEV_CREDENTIALS;
const store = new CredentialStore(DEV_CREDENTIALS);

/** Signs a command with the official SDK client and returns the request as a server receives it. */
async function signedBySdk(
  client: { send(command: unknown): Promise<unknown>; config: unknown },
  command: unknown,
): Promise<SignedRequest> {
  let captured: HttpRequest | undefined;
  (client.config as { requestHandler: unknown }).requestHandler = {
    handle: async (request: HttpRequest) => {
      captured = request;
      throw new Error('captured');
    },
  };
  await client.send(command).catch(() => undefined);
  const request = captured!;
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
  headers.host ??= request.hostname;
  const path = request.path;
  const body = request.body === undefined ? undefined : Buffer.from(request.body as string);
  return { method: request.method, path, query: request.query as Record<string, string>, headers, body };
}

const config = (accessKeyId = tenantA.accessKeyId, secretAccessKey = tenantA.secretAccessKey) => ({
  endpoint: 'http://127.0.0.1:3001',
  region: 'us-east-1',
  credentials: { accessKeyId, secretAccessKey },
  maxAttempts: 1,
});

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    if (error instanceof AuthError) return error.failure;
    throw error;
  }
}

describe('SigV4Verifier against requests signed by the official SDK clients', () => {
  it.each(Object.entries(botocoreSigned))('accepts a %s request signed by botocore (boto3, the AWS CLI), which signs no payload-hash header', async (service, signed) => {
    const request: SignedRequest = { ...signed, body: signed.body === null ? undefined : Buffer.from(signed.body) };
    const signedAt = Date.parse(signed.headers['x-amz-date'].replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    expect(await new SigV4Verifier(store, service, 'us-east-1').verify(request, signedAt)).toBe(tenantA.accountId);
    const tampered = { ...request, query: { ...request.query, extra: '1' } };
    expect(await failure(new SigV4Verifier(store, service, 'us-east-1').verify(tampered, signedAt))).toBe('SignatureDoesNotMatch');
  });

  it('accepts the three APIs, each under its own signing name, and names the tenant', async () => {
    const chime = await signedBySdk(new ChimeClient(config()), new GetBotCommand({ AccountId: 'a b/c', BotId: 'b' }));
    expect(await new SigV4Verifier(store, 'chime', 'us-east-1').verify(chime)).toBe('111111111111');
    const tunnels = await signedBySdk(new IoTSecureTunnelingClient(config()), new RotateTunnelAccessTokenCommand({ tunnelId: 't', clientMode: 'ALL' }));
    expect(await new SigV4Verifier(store, 'IoTSecuredTunneling', 'us-east-1').verify(tunnels)).toBe('111111111111');
    const chat = await signedBySdk(new IvschatClient(config(DEV_CREDENTIALS[1].accessKeyId, DEV_CREDENTIALS[1].secretAccessKey)), new CreateChatTokenCommand({ roomIdentifier: 'arn:aws:ivschat:us-east-1:222222222222:room/abcdefghijkl', userId: 'ü ser' }));
    expect(await new SigV4Verifier(store, 'ivschat', 'us-east-1').verify(chat)).toBe('222222222222');
  });

  describe('refusals', () => {
    const verifier = new SigV4Verifier(store, 'ivschat', 'us-east-1');
    const command = () => new CreateChatTokenCommand({ roomIdentifier: 'arn:aws:ivschat:us-east-1:111111111111:room/abcdefghijkl', userId: 'u' });

    it('a wrong secret', async () => {
      const request = await signedBySdk(new IvschatClient(config(tenantA.accessKeyId, 'not-the-secret-key-at-all')), command());
      expect(await failure(verifier.verify(request))).toBe('SignatureDoesNotMatch');
    });

    it('an unknown access key', async () => {
      const request = await signedBySdk(new IvschatClient(config('AKIAUNKNOWNKEY000000', tenantA.secretAccessKey)), command());
      expect(await failure(verifier.verify(request))).toBe('UnrecognizedClient');
    });

    it('a body changed after signing, with or without its payload hash header', async () => {
      const request = await signedBySdk(new IvschatClient(config()), command());
      const tampered = { ...request, body: Buffer.from(String(request.body).replace('"u"', '"v"')) };
      expect(await failure(verifier.verify(tampered))).toBe('SignatureDoesNotMatch');
      const withHash = { ...tampered, headers: { ...request.headers, 'x-amz-content-sha256': 'f'.repeat(64) } };
      expect(await failure(verifier.verify(withHash))).toBe('SignatureDoesNotMatch');
    });

    it('a request dated 20 minutes away from the server clock', async () => {
      const request = await signedBySdk(new IvschatClient(config()), command());
      expect(await failure(verifier.verify(request, Date.now() + 20 * 60 * 1000))).toBe('RequestExpired');
      expect(await failure(verifier.verify(request, Date.now() - 20 * 60 * 1000))).toBe('RequestExpired');
      expect(await failure(verifier.verify(request, Date.now() + 10 * 60 * 1000))).toBe('accepted');
    });

    it('a signature for another service or region', async () => {
      const request = await signedBySdk(new IvschatClient(config()), command());
      expect(await failure(new SigV4Verifier(store, 'chime', 'us-east-1').verify(request))).toBe('InvalidScope');
      expect(await failure(new SigV4Verifier(store, 'ivschat', 'eu-west-1').verify(request))).toBe('InvalidScope');
    });

    it('a missing or malformed Authorization header, or a changed signed header', async () => {
      const request = await signedBySdk(new IvschatClient(config()), command());
      const { authorization, ...unsigned } = request.headers;
      expect(await failure(verifier.verify({ ...request, headers: unsigned }))).toBe('MissingAuthenticationToken');
      expect(await failure(verifier.verify({ ...request, headers: { ...request.headers, authorization: 'Bearer x' } }))).toBe('IncompleteSignature');
      expect(await failure(verifier.verify({ ...request, headers: { ...request.headers, host: 'elsewhere:1' } }))).toBe('SignatureDoesNotMatch');
      expect(String(authorization)).toContain('SignedHeaders=');
    });
  });
});
