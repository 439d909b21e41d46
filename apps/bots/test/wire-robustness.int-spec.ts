import { ChimeClient, CreateAccountCommand, CreateBotCommand, ListAccountsCommand } from '@aws-sdk/client-chime';
import { awsClientConfig, malformedRequestsOutcome, OperationTemplate, sigV4Refusals, startTestApp, TestApp } from '@rekey/testing';
import { BotsAppModule } from '../src/app.module';

describe('bots on the wire: refused signatures change nothing, malformed requests get 4xx', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('bots', (config) => BotsAppModule.register(config));
  });
  afterAll(() => app?.close());

  it('refuses a wrong secret, an unknown key, a body changed after signing and a request dated 20 minutes off, and creates no account', async () => {
    const refusals = await sigV4Refusals(app.url, (config) => new ChimeClient(config), () => new CreateAccountCommand({ Name: 'should-not-exist' }));
    for (const refusal of Object.values(refusals)) expect(refusal).toEqual({ name: 'UnauthorizedClientException', status: 401 });
    const listed = await new ChimeClient(awsClientConfig(app.url)).send(new ListAccountsCommand({}));
    expect(listed.Accounts).toEqual([]);
  });

  it('answers 1,000 malformed requests each with a 4xx of its own shape within a second', async () => {
    const client = new ChimeClient(awsClientConfig(app.url));
    const { Account } = await client.send(new CreateAccountCommand({ Name: 'fuzzed' }));
    const { Bot } = await client.send(new CreateBotCommand({ AccountId: Account!.AccountId, DisplayName: 'fuzzbot', Domain: 'example.com' }));
    const accounts = `/accounts/${Account!.AccountId}`;
    const bot = `${accounts}/bots/${Bot!.BotId}`;
    const templates: OperationTemplate[] = [
      { method: 'POST', path: '/accounts', body: { Name: 'acct' } },
      { method: 'GET', path: '/accounts', query: { 'max-results': '5' } },
      { method: 'GET', path: accounts },
      { method: 'POST', path: accounts, body: { Name: 'renamed', DefaultLicense: 'Pro' } },
      { method: 'POST', path: `${accounts}/bots`, body: { DisplayName: 'bot', Domain: 'example.com' } },
      { method: 'GET', path: `${accounts}/bots`, query: { 'max-results': '5' } },
      { method: 'GET', path: bot },
      { method: 'POST', path: bot, body: { Disabled: true } },
      { method: 'POST', path: bot, query: { operation: 'regenerate-security-token' } },
      { method: 'PUT', path: `${bot}/events-configuration`, body: { OutboundEventsHTTPSEndpoint: 'https://example.com/events' } },
      { method: 'GET', path: `${bot}/events-configuration` },
    ];
    expect(await malformedRequestsOutcome(app.url, 'chime', templates)).toEqual({ sent: 1000, misanswered: [] });
  }, 120_000);
});
