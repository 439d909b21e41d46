import { ChimeClient, CreateAccountCommand, CreateBotCommand, GetBotCommand, ListAccountsCommand } from '@aws-sdk/client-chime';
import {
  awsClientConfig,
  deeplyNested,
  fuzzRequests,
  hasAwsErrorShape,
  hostileCorpus,
  hostileRequestCount,
  manyMembers,
  OperationTemplate,
  sendWithBody,
  sigV4Refusals,
  slowHeaderClientCut,
  startTestApp,
  TestApp,
} from '@rekey/testing';
import { BotsAppModule } from '../src/app.module';

describe('bots on the wire: refused signatures change nothing, malformed and hostile requests get 4xx', () => {
  let app: TestApp;
  let client: ChimeClient;
  let templates: OperationTemplate[];
  let getBot: GetBotCommand;
  beforeAll(async () => {
    app = await startTestApp('bots', (config) => BotsAppModule.register(config));
    client = new ChimeClient(awsClientConfig(app.url));
    const { Account } = await client.send(new CreateAccountCommand({ Name: 'fuzzed' }));
    const { Bot } = await client.send(new CreateBotCommand({ AccountId: Account!.AccountId, DisplayName: 'fuzzbot', Domain: 'example.com' }));
    getBot = new GetBotCommand({ AccountId: Account!.AccountId, BotId: Bot!.BotId });
    const accounts = `/accounts/${Account!.AccountId}`;
    const bot = `${accounts}/bots/${Bot!.BotId}`;
    templates = [
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
  });
  afterAll(() => app?.close());

  it('refuses a wrong secret, an unknown key, a body changed after signing and a request dated 20 minutes off, and creates no account', async () => {
    const refusals = await sigV4Refusals(app.url, (config) => new ChimeClient(config), () => new CreateAccountCommand({ Name: 'should-not-exist' }));
    for (const refusal of Object.values(refusals)) expect(refusal).toEqual({ name: 'UnauthorizedClientException', status: 401 });
    const listed = await client.send(new ListAccountsCommand({}));
    expect(listed.Accounts!.map((account) => account.Name)).toEqual(['fuzzed']);
  });

  it('answers 1,000 malformed requests each with a 4xx of its own shape within a second', async () => {
    const answers = await fuzzRequests(app.url, 'chime', templates);
    expect(answers).toHaveLength(1000);
    const wrong = answers.filter((answer) => answer.status < 400 || answer.status >= 500 || !hasAwsErrorShape('chime', answer));
    expect(wrong.map((w) => `${w.status} ${w.mutation}`.slice(0, 80))).toEqual([]);
    expect(Math.max(...answers.map((answer) => answer.elapsedMs))).toBeLessThan(1000);
  }, 120_000);

  it("answers the issue's reproducible 500s with BadRequestException (10,000-deep nesting, a prototype key, 60,000 members); a null Domain is an absent one", async () => {
    const createBot = templates[4];
    const bodies = [deeplyNested(10_000), '{"DisplayName":{"constructor":{"prototype":{"polluted":1}}},"Domain":"example.com"}', manyMembers(60_000), '{"DisplayName":"x","Domain":null}'];
    const answers = await Promise.all(bodies.map((body) => sendWithBody(app.url, 'chime', createBot, body)));
    expect(answers.map((answer) => [answer.status, answer.errorType])).toEqual([[400, 'BadRequestException'], [400, 'BadRequestException'], [400, 'BadRequestException'], [201, null]]);
    expect(answers[3].body).toMatchObject({ Bot: { DisplayName: 'x (Bot)' } });
  });

  it('answers a seeded hostile corpus below 500 within a second each, while valid calls alongside all succeed', async () => {
    const outcome = await hostileCorpus('bots', app.url, 'chime', templates, () => client.send(getBot));
    expect(outcome.wrong).toEqual([]);
    expect(outcome.slowestMs).toBeLessThan(1000);
    expect(outcome.validCalls).toBeGreaterThan(0);
    expect(outcome.validFailed).toEqual([]);
  }, 60_000 + hostileRequestCount() * 100);

  it('cuts a client that sends its headers byte by byte within 10 s', async () => {
    expect(await slowHeaderClientCut(app.url)).toBeLessThan(10_000);
  }, 30_000);
});
