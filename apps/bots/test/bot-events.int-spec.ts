import { Bot, ChimeClient, CreateAccountCommand, CreateBotCommand, GetEventsConfigurationCommand, PutEventsConfigurationCommand, RegenerateSecurityTokenCommand, UpdateBotCommand } from '@aws-sdk/client-chime';
import { EVENT_TYPES, TOPICS } from '@rekey/contracts';
import { toKafkaMessage } from '@rekey/events';
import { awsClientConfig, eventually, failureOf, startTestApp, TestApp, testKafkaBrokers, TopicTail, uniqueName } from '@rekey/testing';
import { Kafka, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { BotsAppModule } from '../src/app.module';
import { DeliveryTargets } from '../src/delivery-targets/delivery-targets';
import { ChimeReceiver, createTestCa, echoChallenge, TestCa, verifiesWith } from './chime-receiver';

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Chime bot outgoing events', () => {
  const deliveriesTopic = uniqueName('rekey.bots.deliveries.test');
  let ca: TestCa;
  let a: TestApp;
  let b: TestApp;
  let chimeA: ChimeClient;
  let chimeB: ChimeClient;
  let accountId: string;
  let tail: TopicTail;
  let dlq: TopicTail;
  let producer: Producer;
  const receivers: ChimeReceiver[] = [];
  const receiver = async (behaviour = echoChallenge) => {
    const started = await ChimeReceiver.start(ca, behaviour);
    receivers.push(started);
    return started;
  };
  const createBot = async (DisplayName: string) => (await chimeA.send(new CreateBotCommand({ AccountId: accountId, DisplayName }))).Bot!;
  /** A bot whose endpoint (checked) is a new receiver. */
  const botWithEndpoint = async (DisplayName: string, behaviour = echoChallenge): Promise<{ bot: Bot; endpoint: ChimeReceiver }> => {
    const bot = await createBot(DisplayName);
    const endpoint = await receiver(behaviour);
    await chimeA.send(new PutEventsConfigurationCommand({ AccountId: accountId, BotId: bot.BotId, OutboundEventsHTTPSEndpoint: endpoint.url() }));
    return { bot, endpoint };
  };
  /** A Mention as Chime sends it (events-bots.md). */
  const mention = (text: string) => ({
    Sender: { SenderId: 'user@example.com', SenderIdType: 'EmailId' },
    Discussion: { DiscussionId: 'abcdef12-g34h-56i7-j8kl-mn9opqr012st', DiscussionType: 'Room' },
    EventType: 'Mention',
    InboundHttpsEndpoint: { EndpointType: 'ShortLived', Url: 'https://hooks.chime.aws/incomingwebhooks/example' },
    EventTimestamp: new Date().toISOString(),
    Message: text,
  });
  /**
   * Requests a delivery on the topic as a trusted producer does (`times` copies of one message);
   * answers the request's ce_id. All in one partition, so that the bots share a consumer and one
   * bot's slow endpoint could hold up another's deliveries.
   */
  const requestDelivery = async (bot: Bot, event: object, times = 1): Promise<string> => {
    const id = randomUUID();
    const message = toKafkaMessage({ id, type: EVENT_TYPES.bots.DeliveryRequested, source: '/acme/chat', subject: `/accounts/${accountId}/bots/${bot.BotId}`, tenant: '111111111111', key: bot.BotId!, time: new Date().toISOString(), data: { tenant: '111111111111', chimeAccountId: accountId, botId: bot.BotId, event } });
    await producer.send({ topic: deliveriesTopic, acks: -1, messages: Array.from({ length: times }, () => ({ ...message, partition: 0 })) });
    return id;
  };
  const outcomeOf = async (deliveryId: string, botId: string) => {
    const [event] = await tail.waitFor((candidate) => candidate.key === botId && candidate.data.deliveryId === deliveryId);
    return event;
  };

  beforeAll(async () => {
    ca = createTestCa();
    const env = { REKEY_BOTS_OUTBOUND_CA_FILE: ca.caFile };
    [tail, dlq] = await Promise.all([TopicTail.start(TOPICS.bots), TopicTail.start(`${deliveriesTopic}.dlq`)]);
    a = await startTestApp('bots', (config) => BotsAppModule.register(config, { deliveriesTopic }), env);
    b = await startTestApp('bots', (config) => BotsAppModule.register(config, { deliveriesTopic }), { ...env, MONGO_URI: a.config.mongoUri });
    chimeA = new ChimeClient(awsClientConfig(a.url, 'A'));
    chimeB = new ChimeClient(awsClientConfig(b.url, 'A'));
    accountId = (await chimeA.send(new CreateAccountCommand({ Name: 'bot-events' }))).Account!.AccountId!;
    producer = new Kafka({ clientId: 'delivery-requests-test', brokers: testKafkaBrokers().split(','), logLevel: 0 }).producer();
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    // In parallel: each Kafka consumer may wait out a fetch (up to 5 s) before it leaves.
    await Promise.all([a?.close(), b?.close(), tail?.stop(), dlq?.stop()]);
    await Promise.all(receivers.map((started) => started.close()));
  });

  describe('the endpoint check (PutEventsConfiguration)', () => {
    it('stores an endpoint that echoes the signed challenge', async () => {
      const bot = await createBot('checked');
      const endpoint = await receiver();
      const put = await chimeA.send(new PutEventsConfigurationCommand({ AccountId: accountId, BotId: bot.BotId, OutboundEventsHTTPSEndpoint: endpoint.url() }));
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
      await chimeA.send(new PutEventsConfigurationCommand({ AccountId: accountId, BotId: bot.BotId, LambdaFunctionArn: lambda }));
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
        const refused = await failureOf(() => chimeA.send(new PutEventsConfigurationCommand({ AccountId: accountId, BotId: bot.BotId, OutboundEventsHTTPSEndpoint })));
        expect(refused).toMatchObject({ name: 'BadRequestException', status: 400 });
        expect(refused.message).toContain(reason);
      }
      expect((await chimeA.send(new GetEventsConfigurationCommand({ AccountId: accountId, BotId: bot.BotId }))).EventsConfiguration).toEqual({ BotId: bot.BotId, LambdaFunctionArn: lambda });
      expect([wrongChallenge, notFound, slow].map((started) => started.requests.length)).toEqual([1, 1, 1]);
    });
  });

  describe('delivery of events requested on rekey.bots.deliveries.v1', () => {
    it('POSTs the event signed with the bot token, verifiable as the docs say, and records EventDelivered (no body, no token)', async () => {
      const { bot, endpoint } = await botWithEndpoint('delivered');
      const event = mention('@delivered secret plans');
      const deliveryId = await requestDelivery(bot, event);
      const [received] = await endpoint.waitForEvents(1);
      expect(received).toMatchObject({ method: 'POST', path: '/chime-events', headers: { 'content-type': 'application/json' } });
      expect(JSON.parse(received.body)).toEqual(event);
      expect(verifiesWith(received, bot.SecurityToken!)).toBe(true);
      const outcome = await outcomeOf(deliveryId, bot.BotId!);
      expect(outcome.headers).toMatchObject({ ce_type: EVENT_TYPES.bots.EventDelivered, ce_source: '/rekey/bots', ce_subject: `/accounts/${accountId}/bots/${bot.BotId}`, ce_tenant: '111111111111' });
      expect(outcome.data).toEqual({ tenant: '111111111111', chimeAccountId: accountId, botId: bot.BotId, deliveryId, eventType: 'Mention', attempts: 1, status: 200, deliveredAt: expect.any(String) });
      expect(outcome.raw).not.toContain('secret plans');
      expect(outcome.raw).not.toContain(bot.SecurityToken);
      // Counted once the outcome is recorded, which the outcome event may beat to the test.
      const metrics = await eventually(async () => {
        const text = (await (await fetch(`${a.url}/metrics`)).text()) + (await (await fetch(`${b.url}/metrics`)).text());
        return /rekey_bot_deliveries_total\{[^}]*outcome="delivered"[^}]*\} [1-9]/.test(text) ? text : undefined;
      }, 5_000, 'the delivered count in /metrics');
      expect(metrics).toMatch(/rekey_bot_outbound_attempt_duration_seconds_count\{[^}]*purpose="event",result="2xx"[^}]*\} [1-9]/);
      expect(metrics).not.toContain(bot.SecurityToken);
      expect(metrics).not.toContain(bot.BotId);
    });

    it('signs the next delivery after RegenerateSecurityToken with the new token only, whichever replica rotated or delivers', async () => {
      const bots = await Promise.all(['rotating-1', 'rotating-2', 'rotating-3'].map((name) => botWithEndpoint(name)));
      const generations = new Map(bots.map(({ bot }) => [bot.BotId!, 1]));
      /** The generation of the bot's token `app` holds for deliveries (expired or not), if any: only a change drops it. */
      const held = (app: TestApp, bot: Bot) => app.nest.get(DeliveryTargets).heldGeneration({ tenant: '111111111111', accountId, botId: bot.BotId! });
      for (const [rotating, other, chime] of [[a, b, chimeA], [b, a, chimeB]] as const) {
        for (const { bot, endpoint } of bots) {
          // A delivery first, so that the replica draining the bot's queue holds the bot.
          await requestDelivery(bot, mention('before rotation'));
          const before = (await endpoint.waitForEvents(endpoint.events.length + 1)).length;
          const droppedHere = jest.spyOn(rotating.nest.get(DeliveryTargets), 'botChanged');
          const old = (await chime.send(new RegenerateSecurityTokenCommand({ AccountId: accountId, BotId: bot.BotId }))).Bot!.SecurityToken!;
          const rotated = (await chime.send(new RegenerateSecurityTokenCommand({ AccountId: accountId, BotId: bot.BotId }))).Bot!.SecurityToken!;
          const generation = generations.get(bot.BotId!)! + 2;
          generations.set(bot.BotId!, generation);
          // The replica that answered dropped the older token before answering; the other one drops it on consuming TokenRotated (docs/bots.md).
          expect(droppedHere).toHaveBeenCalledWith({ tenant: '111111111111', accountId, botId: bot.BotId });
          droppedHere.mockRestore();
          expect(held(rotating, bot) ?? generation).toBeGreaterThanOrEqual(generation);
          await eventually(() => ((held(other, bot) ?? generation) >= generation ? true : undefined), 10_000, 'the other replica to consume TokenRotated');
          await requestDelivery(bot, mention('after rotation'));
          const received = (await endpoint.waitForEvents(before + 1))[before];
          expect(verifiesWith(received, rotated)).toBe(true);
          expect(verifiesWith(received, old)).toBe(false);
          expect(verifiesWith(received, bot.SecurityToken!)).toBe(false);
        }
      }
    });

    it("retries a 5xx twice, 200 ms then 400 ms later, each with its own timestamp and signature (Chime's policy)", async () => {
      const { bot, endpoint } = await botWithEndpoint('flaky', (request, index) => (request.body.includes('HTTPSEndpointVerification') ? echoChallenge(request, index) : index <= 2 ? { status: 500 } : { status: 200 }));
      const deliveryId = await requestDelivery(bot, mention('third time lucky'));
      const attempts = await endpoint.waitForEvents(3);
      const outcome = await outcomeOf(deliveryId, bot.BotId!);
      expect(outcome.data).toMatchObject({ attempts: 3, status: 200 });
      expect(outcome.headers.ce_type).toBe(EVENT_TYPES.bots.EventDelivered);
      expect(attempts).toHaveLength(3);
      expect(new Set(attempts.map((attempt) => attempt.headers['chime-request-timestamp'])).size).toBe(3);
      for (const attempt of attempts) expect(verifiesWith(attempt, bot.SecurityToken!)).toBe(true);
      expect(new Set(attempts.map((attempt) => attempt.body)).size).toBe(1);
      const [first, second, third] = attempts.map((attempt) => attempt.receivedAt);
      expect(second - first).toBeGreaterThanOrEqual(200);
      expect(third - second).toBeGreaterThanOrEqual(400);
    });

    it('sends nothing to a disabled bot and records EventDeliveryFailed (BotDisabled, 0 attempts)', async () => {
      const { bot, endpoint } = await botWithEndpoint('sleeping');
      await chimeA.send(new UpdateBotCommand({ AccountId: accountId, BotId: bot.BotId, Disabled: true }));
      const deliveryId = await requestDelivery(bot, mention('anyone there?'));
      const outcome = await outcomeOf(deliveryId, bot.BotId!);
      expect(outcome.headers.ce_type).toBe(EVENT_TYPES.bots.EventDeliveryFailed);
      expect(outcome.data).toMatchObject({ reason: 'BotDisabled', attempts: 0, status: null });
      expect(endpoint.events).toEqual([]);
    });

    it('delivers in order per bot, and a slow endpoint does not hold up another bot', async () => {
      const slow = await botWithEndpoint('slow', (request, index) => ({ ...echoChallenge(request, index), delayMs: index === 0 ? 0 : 1_500 }));
      const fast = await botWithEndpoint('fast');
      for (const n of [1, 2, 3]) await requestDelivery(slow.bot, mention(`slow ${n}`));
      await requestDelivery(fast.bot, mention('fast 1'));
      await fast.endpoint.waitForEvents(1);
      // The fast bot was served while the slow one was still on its first or second event.
      expect(slow.endpoint.events.length).toBeLessThan(3);
      const received = await slow.endpoint.waitForEvents(3);
      expect(received.map((request) => (JSON.parse(request.body) as { Message: string }).Message)).toEqual(['slow 1', 'slow 2', 'slow 3']);
    });

    it('dead-letters a request its contract refuses, delivers a repeated request once, and keeps the bot\'s order', async () => {
      const { bot, endpoint } = await botWithEndpoint('strict');
      const refusedId = await requestDelivery(bot, { ...mention('not a Chime event'), EventType: 'Join' });
      const repeatedId = await requestDelivery(bot, mention('once'), 2);
      const lastId = await requestDelivery(bot, mention('last'));
      const [dead] = await dlq.waitFor((event) => event.headers.ce_id === refusedId);
      expect(dead.headers).toMatchObject({ rekey_dlq_attempts: '0', rekey_dlq_error: expect.stringContaining('event.EventType') });
      await outcomeOf(lastId, bot.BotId!);
      expect(endpoint.events.map((request) => (JSON.parse(request.body) as { Message: string }).Message)).toEqual(['once', 'last']);
      // One outcome (a re-published event would repeat its ce_id).
      expect(new Set(tail.events.filter((event) => event.data.deliveryId === repeatedId).map((event) => event.headers.ce_id)).size).toBe(1);
    });
  });
});
