import { CreateRoomCommand, GetRoomCommand, IvschatClient, ListRoomsCommand } from '@aws-sdk/client-ivschat';
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
  startTestApp,
  TestApp,
} from '@rekey/testing';
import { ChatAppModule } from '../src/app.module';

describe('chat on the wire: refused signatures change nothing, malformed and hostile requests get 4xx', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('chat', (config) => ChatAppModule.register(config));
  });
  afterAll(() => app?.close());

  it('refuses a wrong secret, an unknown key, a body changed after signing and a request dated 20 minutes off, and creates no room', async () => {
    const refusals = await sigV4Refusals(app.url, (config) => new IvschatClient(config), () => new CreateRoomCommand({ name: 'should-not-exist' }));
    expect(refusals).toEqual({
      wrongSecret: { name: 'InvalidSignatureException', status: 403 },
      unknownKey: { name: 'UnrecognizedClientException', status: 403 },
      bodyChangedAfterSigning: { name: 'InvalidSignatureException', status: 403 },
      dated20MinutesOff: { name: 'InvalidSignatureException', status: 403 },
    });
    const listed = await new IvschatClient(awsClientConfig(app.url)).send(new ListRoomsCommand({}));
    expect(listed.rooms).toEqual([]);
  });

  describe('with a room', () => {
    let templates: OperationTemplate[];
    let arn: string;
    beforeAll(async () => {
      arn = (await new IvschatClient(awsClientConfig(app.url)).send(new CreateRoomCommand({ name: 'fuzzed', tags: { k: 'v' } }))).arn!;
      const call = (operation: string, body: Record<string, unknown>): OperationTemplate => ({ method: 'POST', path: `/${operation}`, body });
      const tags = `/tags/${encodeURIComponent(arn)}`;
      templates = [
        call('CreateChatToken', { roomIdentifier: arn, userId: 'u1', capabilities: ['SEND_MESSAGE'], sessionDurationInMinutes: 30, attributes: { a: 'b' } }),
        call('CreateRoom', { name: 'room', maximumMessageRatePerSecond: 5, maximumMessageLength: 100, tags: { k: 'v' } }),
        call('GetRoom', { identifier: arn }),
        call('ListRooms', { name: 'fuzzed', maxResults: 10 }),
        call('UpdateRoom', { identifier: arn, name: 'renamed', maximumMessageLength: 200 }),
        call('DisconnectUser', { roomIdentifier: arn, userId: 'u1', reason: 'spam' }),
        call('DeleteMessage', { roomIdentifier: arn, id: 'abcdefghijkl', reason: 'spam' }),
        call('SendEvent', { roomIdentifier: arn, eventName: 'app:event', attributes: { a: 'b' } }),
        { method: 'POST', path: tags, body: { tags: { k2: 'v2' } } },
        { method: 'GET', path: tags },
      ];
    });

    it('answers 1,000 malformed requests each with a 4xx of its own shape within a second', async () => {
      const answers = await fuzzRequests(app.url, 'ivschat', templates);
      expect(answers).toHaveLength(1000);
      const wrong = answers.filter((answer) => answer.status < 400 || answer.status >= 500 || !hasAwsErrorShape('ivschat', answer));
      expect(wrong.map((w) => `${w.status} ${w.mutation}`.slice(0, 80))).toEqual([]);
      expect(Math.max(...answers.map((answer) => answer.elapsedMs))).toBeLessThan(1000);
    }, 120_000);

    it("answers the issue's reproducible 500s with ValidationException: 10,000-deep nesting, a prototype key, 60,000 members", async () => {
      const getRoom = templates[2];
      const bodies = [deeplyNested(10_000), '{"identifier":{"constructor":{"prototype":{"polluted":1}}}}', manyMembers(60_000)];
      const answers = await Promise.all(bodies.map((body) => sendWithBody(app.url, 'ivschat', getRoom, body)));
      expect(answers.map((answer) => [answer.status, answer.errorType])).toEqual(bodies.map(() => [400, 'ValidationException']));
    });

    it('answers a seeded hostile corpus below 500 within a second each, while valid calls alongside all succeed', async () => {
      const client = new IvschatClient(awsClientConfig(app.url));
      const outcome = await hostileCorpus('chat', app.url, 'ivschat', templates, () => client.send(new GetRoomCommand({ identifier: arn })));
      expect(outcome.wrong).toEqual([]);
      expect(outcome.slowestMs).toBeLessThan(1000);
      expect(outcome.validCalls).toBeGreaterThan(0);
      expect(outcome.validFailed).toEqual([]);
    }, 60_000 + hostileRequestCount() * 100);
  });
});
