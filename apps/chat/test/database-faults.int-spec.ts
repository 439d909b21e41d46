import { CreateChatTokenCommand, CreateRoomCommand, GetRoomCommand, IvschatClient } from '@aws-sdk/client-ivschat';
import { awsClientConfig, expectFastDatabaseFailure, latencies, LocalMongo, reportFigures, startTestApp, TestApp, TimedOutcome, timedCall, underDatabaseFault, uniqueName } from '@rekey/testing';
import { ChatAppModule } from '../src/app.module';

describe('chat while its MongoDB is stalled or stopped (a private instance)', () => {
  const mongo = new LocalMongo(27417);
  let app: TestApp;
  let client: IvschatClient;
  let arn: string;

  beforeAll(async () => {
    await mongo.start();
    app = await startTestApp('chat', (config) => ChatAppModule.register(config), { MONGO_URI: mongo.uri(uniqueName('rekey_chat')) });
    client = new IvschatClient(awsClientConfig(app.url));
    arn = (await client.send(new CreateRoomCommand({ name: 'faults' }))).arn!;
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await mongo.stop();
  });

  it.each(['stalled', 'stopped'] as const)('%s: GetRoom gets 503 within a second while chat tokens are still issued; readiness 503 within 2 s, all back within 5 s', async (fault) => {
    const createToken = () => client.send(new CreateChatTokenCommand({ roomIdentifier: arn, userId: 'u1', capabilities: ['SEND_MESSAGE'] }));
    expect((await timedCall(createToken)).outcome).toBe('ok');
    // A chat token alongside every call that needs the database, during the fault and until recovery.
    const tokenCalls: Promise<TimedOutcome>[] = [];
    const figures = await underDatabaseFault(fault, mongo, app.url, () => {
      tokenCalls.push(timedCall(createToken));
      return client.send(new GetRoomCommand({ identifier: arn }));
    });
    const tokens = await Promise.all(tokenCalls);
    reportFigures(`chat mongo ${fault}`, { ...figures, during: latencies(figures.during), chatTokens: latencies(tokens) });
    expectFastDatabaseFailure(figures, '503 InternalServerException');
    expect(tokens.filter((call) => call.outcome !== 'ok')).toEqual([]);
  }, 60_000);
});
