import { CreateRoomCommand, GetRoomCommand, IvschatClient, ListRoomsCommand } from '@aws-sdk/client-ivschat';
import {
  awsClientConfig,
  deeplyNested,
  hostileCorpus,
  hostileRequestCount,
  malformedRequestsOutcome,
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
      expect(await malformedRequestsOutcome(app.url, 'ivschat', templates)).toEqual({ sent: 1000, misanswered: [] });
    }, 120_000);

    it("answers the issue's reproducible 500s with ValidationException: 10,000-deep nesting, a prototype key, 60,000 members", async () => {
      const getRoom = templates[2];
      const bodies = [deeplyNested(10_000), '{"identifier":{"constructor":{"prototype":{"polluted":1}}}}', manyMembers(60_000)];
      const answers = await Promise.all(bodies.map((body) => sendWithBody(app.url, 'ivschat', getRoom, body)));
      expect(answers.map((answer) => [answer.status, answer.errorType])).toEqual(bodies.map(() => [400, 'ValidationException']));
    });

    it('answers a seeded hostile corpus below 500 (p99 within a second, none near a hang), while valid calls alongside all succeed', async () => {
      const client = new IvschatClient(awsClientConfig(app.url));
      const outcome = await hostileCorpus('chat', app.url, 'ivschat', templates, () => client.send(new GetRoomCommand({ identifier: arn })));
      expect(outcome.wrong).toEqual([]);
      // The suite shares a loaded host with every other test: p99 under a second, and nothing near a hang.
      expect(outcome.p99Ms).toBeLessThan(1000);
      expect(outcome.slowestMs).toBeLessThan(5000);
      expect(outcome.validCalls).toBeGreaterThan(0);
      expect(outcome.validFailed).toEqual([]);
    }, 60_000 + hostileRequestCount() * 100);
  });
});
