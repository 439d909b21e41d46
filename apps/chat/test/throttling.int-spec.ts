import { Ivschat } from '@aws-sdk/client-ivschat';
import { awsClientConfig, scrapeMetric, startTestApp, TestApp } from '@rekey/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChatAppModule } from '../src/app.module';

/** What a call ended with: `ok`, or the name of the AWS error the SDK parsed. */
const outcome = (call: Promise<unknown>) => call.then(() => 'ok', (error: Error) => error.name);

describe('throttling by AWS operation name (REKEY_THROTTLE_OPERATION_RPS) with @aws-sdk/client-ivschat', () => {
  let app: TestApp;
  let client: Ivschat;
  beforeAll(async () => {
    app = await startTestApp('chat', (config) => ChatAppModule.register(config), { REKEY_THROTTLE_OPERATION_RPS: 'CreateRoom=2' });
    client = new Ivschat(awsClientConfig(app.url));
  });
  afterAll(() => app?.close());

  /**
   * CreateRoom and CreateChatToken have buckets of their own: 3 CreateRoom and 20 CreateChatToken
   * within one one-second window refuse exactly the third CreateRoom. The limit is per window, so a
   * run the clock carried into the next second proves nothing and is repeated.
   */
  it('refuses exactly one of 3 CreateRoom and none of 20 CreateChatToken in one second; the metrics name the operations', async () => {
    const room = await client.createRoom({});
    const counts = () =>
      Promise.all([
        scrapeMetric(app.url, 'rekey_throttled_requests_total', { operation: 'CreateRoom' }),
        scrapeMetric(app.url, 'rekey_throttled_requests_total', { operation: 'CreateChatToken' }),
        scrapeMetric(app.url, 'rekey_http_requests_total', { operation: 'CreateChatToken', status: '200' }),
        scrapeMetric(app.url, 'rekey_http_requests_total', { operation: 'CreateRoom', status: '429' }),
      ]);
    for (let run = 0; run < 5; run += 1) {
      const before = await counts();
      await sleep(1000 - (Date.now() % 1000) + 5);
      const window = Math.floor(Date.now() / 1000);
      const [rooms, tokens] = await Promise.all([
        Promise.all(Array.from({ length: 3 }, () => outcome(client.createRoom({})))),
        Promise.all(Array.from({ length: 20 }, (_, i) => outcome(client.createChatToken({ roomIdentifier: room.arn, userId: `u${i}` })))),
      ]);
      if (Math.floor(Date.now() / 1000) !== window) continue;
      expect(rooms.sort()).toEqual(['ThrottlingException', 'ok', 'ok']);
      expect(tokens).toEqual(Array(20).fill('ok'));
      const after = await counts();
      // Throttled CreateRoom, throttled CreateChatToken, answered CreateChatToken, CreateRoom answered 429.
      expect(after.map((count, i) => count - before[i])).toEqual([1, 0, 20, 1]);
      return;
    }
    throw new Error('no run fitted in one second');
  });
});
