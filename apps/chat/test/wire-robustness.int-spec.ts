import { CreateRoomCommand, IvschatClient, ListRoomsCommand } from '@aws-sdk/client-ivschat';
import { awsClientConfig, malformedRequestsOutcome, OperationTemplate, sigV4Refusals, startTestApp, TestApp } from '@rekey/testing';
import { ChatAppModule } from '../src/app.module';

describe('chat on the wire: refused signatures change nothing, malformed requests get 4xx', () => {
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

  it('answers 1,000 malformed requests each with a 4xx of its own shape within a second', async () => {
    const { arn } = await new IvschatClient(awsClientConfig(app.url)).send(new CreateRoomCommand({ name: 'fuzzed', tags: { k: 'v' } }));
    const call = (operation: string, body: Record<string, unknown>): OperationTemplate => ({ method: 'POST', path: `/${operation}`, body });
    const tags = `/tags/${encodeURIComponent(arn!)}`;
    const templates: OperationTemplate[] = [
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
    expect(await malformedRequestsOutcome(app.url, 'ivschat', templates)).toEqual({ sent: 1000, misanswered: [] });
  }, 120_000);
});
