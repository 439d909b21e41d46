import { ChimeClient, CreateAccountCommand, CreateBotCommand, GetBotCommand, RegenerateSecurityTokenCommand } from '@aws-sdk/client-chime';
import { awsClientConfig, expectFastDatabaseFailure, latencies, LocalMongo, reportFigures, startTestApp, TestApp, underDatabaseFault, uniqueName } from '@rekey/testing';
import { BotsAppModule } from '../src/app.module';

describe('bots while its MongoDB is stalled or stopped (a private instance)', () => {
  const mongo = new LocalMongo(27217);
  let app: TestApp;
  let client: ChimeClient;
  let path: { AccountId: string; BotId: string };

  beforeAll(async () => {
    await mongo.start();
    app = await startTestApp('bots', (config) => BotsAppModule.register(config), { MONGO_URI: mongo.uri(uniqueName('rekey_bots')) });
    client = new ChimeClient(awsClientConfig(app.url));
    const { Account } = await client.send(new CreateAccountCommand({ Name: 'faults' }));
    const { Bot } = await client.send(new CreateBotCommand({ AccountId: Account!.AccountId, DisplayName: 'faulty', Domain: 'example.com' }));
    path = { AccountId: Account!.AccountId!, BotId: Bot!.BotId! };
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await mongo.stop();
  });

  it.each(['stalled', 'stopped'] as const)('%s: reads and rotations get 503 ServiceUnavailableException within a second, readiness 503 within 2 s, all back within 5 s', async (fault) => {
    let calls = 0;
    const call = () => (calls++ % 2 === 0 ? client.send(new GetBotCommand(path)) : client.send(new RegenerateSecurityTokenCommand(path)));
    const figures = await underDatabaseFault(fault, mongo, app.url, call);
    reportFigures(`bots mongo ${fault}`, { ...figures, during: latencies(figures.during) });
    expectFastDatabaseFailure(figures, '503 ServiceUnavailableException');
  }, 60_000);
});
