import { ChimeClient, CreateAccountCommand, CreateBotCommand, GetEventsConfigurationCommand, PutEventsConfigurationCommand } from '@aws-sdk/client-chime';
import { awsClientConfig, startTestApp, TestApp } from '@rekey/testing';
import { createServer } from 'node:net';
import { BotsAppModule } from '../src/app.module';
import { ChimeReceiver, createTestCa, echoChallenge, TestCa, verifiesWith } from './chime-receiver';

/** The error of a call, created only when awaited. */
async function failure(call: () => Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await call();
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail');
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Chime bot outgoing events: the endpoint check', () => {
  let ca: TestCa;
  let app: TestApp;
  let chime: ChimeClient;
  let accountId: string;
  const receivers: ChimeReceiver[] = [];
  const receiver = async (behaviour = echoChallenge) => {
    const started = await ChimeReceiver.start(ca, behaviour);
    receivers.push(started);
    return started;
  };
  const createBot = async (DisplayName: string) => (await chime.send(new CreateBotCommand({ AccountId: accountId, DisplayName }))).Bot!;

  beforeAll(async () => {
    ca = createTestCa();
    app = await startTestApp('bots', (config) => BotsAppModule.register(config), { REKEY_BOTS_OUTBOUND_CA_FILE: ca.caFile });
    chime = new ChimeClient(awsClientConfig(app.url, 'A'));
    accountId = (await chime.send(new CreateAccountCommand({ Name: 'bot-events' }))).Account!.AccountId!;
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all(receivers.map((started) => started.close()));
  });

  it('stores an endpoint that echoes the signed challenge', async () => {
    const bot = await createBot('checked');
    const endpoint = await receiver();
    const put = await chime.send(new PutEventsConfigurationCommand({ AccountId: accountId, BotId: bot.BotId, OutboundEventsHTTPSEndpoint: endpoint.url() }));
    expect(put.EventsConfiguration).toEqual({ BotId: bot.BotId, OutboundEventsHTTPSEndpoint: endpoint.url() });
    expect(endpoint.requests).toHaveLength(1);
    const [check] = endpoint.requests;
    expect(check).toMatchObject({ method: 'POST', path: '/chime-events', headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(check.body)).toEqual({ Challenge: expect.stringMatching(/^[0-9a-f]{20}$/), EventType: 'HTTPSEndpointVerification' });
    expect(check.headers['chime-request-timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(verifiesWith(check, bot.SecurityToken!)).toBe(true);
  });

  it('answers BadRequestException and changes nothing when the endpoint does not echo, is slow or is unreachable', async () => {
    const bot = await createBot('unchecked');
    const lambda = 'arn:aws:lambda:us-east-1:111111111111:function:kept';
    await chime.send(new PutEventsConfigurationCommand({ AccountId: accountId, BotId: bot.BotId, LambdaFunctionArn: lambda }));
    const wrongChallenge = await receiver(() => ({ status: 200, body: JSON.stringify({ Challenge: 'something-else' }) }));
    const notFound = await receiver(() => ({ status: 404, body: '{}' }));
    const slow = await receiver((request, index) => ({ ...echoChallenge(request, index), delayMs: 2_500 }));
    const cases: Array<[string, string]> = [
      [wrongChallenge.url(), 'did not answer with the same Challenge'],
      [notFound.url(), 'answered HTTP 404'],
      [slow.url(), 'did not answer within 2 seconds'],
      [`https://localhost:${await closedPort()}/`, 'could not be reached (ECONNREFUSED)'],
      ['ftp://localhost/', 'must be an https:// URL'],
    ];
    for (const [OutboundEventsHTTPSEndpoint, reason] of cases) {
      const refused = await failure(() => chime.send(new PutEventsConfigurationCommand({ AccountId: accountId, BotId: bot.BotId, OutboundEventsHTTPSEndpoint })));
      expect(refused).toMatchObject({ name: 'BadRequestException', status: 400 });
      expect(refused.message).toContain(reason);
    }
    expect((await chime.send(new GetEventsConfigurationCommand({ AccountId: accountId, BotId: bot.BotId }))).EventsConfiguration).toEqual({ BotId: bot.BotId, LambdaFunctionArn: lambda });
    expect([wrongChallenge, notFound, slow].map((started) => started.requests.length)).toEqual([1, 1, 1]);
  });
});
