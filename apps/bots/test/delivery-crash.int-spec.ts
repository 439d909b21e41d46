import { ChimeClient, CreateAccountCommand, CreateBotCommand, PutEventsConfigurationCommand } from '@aws-sdk/client-chime';
import { EVENT_TYPES, TOPICS } from '@rekey/contracts';
import { toKafkaMessage } from '@rekey/events';
import { awsClientConfig, ProductionApp, spawnProductionApp, testKafkaBrokers, TopicTail, uniqueMongoUri, uniqueName, waitUntilReady, writeProductionSecrets } from '@rekey/testing';
import { Kafka, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { ChimeReceiver, createTestCa, echoChallenge, verifiesWith } from './chime-receiver';

/** Each event answered after this long: ten take less than the 500 ms a batch is delivered straight from Kafka before the rest is queued. */
const ANSWER_DELAY_MS = 40;
const REQUESTS = 10;

const messageOf = (body: string) => (JSON.parse(body) as { Message: string }).Message;

/**
 * Deliveries made straight from Kafka are committed (their offsets) only once their outcome
 * events are published: a replica killed midway leaves its batch to the next, which delivers all
 * of it again. At least once, in order, each with its outcome (docs/bots.md).
 */
describe('a bots replica killed while delivering a batch straight from Kafka', () => {
  const topic = uniqueName('rekey.bots.deliveries.crash');
  const replicas: ProductionApp[] = [];
  let endpoint: ChimeReceiver;
  let outcomes: TopicTail;
  let producer: Producer;

  afterAll(async () => {
    for (const replica of replicas) replica.process.kill('SIGKILL');
    await Promise.all([producer?.disconnect(), outcomes?.stop(), endpoint?.close()]);
  });

  it('leaves the batch to the next replica: every request delivered at least once, first deliveries in order, each with EventDelivered', async () => {
    const ca = createTestCa();
    // Set once the batch is requested: the first replica is killed as the batch's third event arrives, before it is answered.
    let killOnThirdOfBatch = false;
    endpoint = await ChimeReceiver.start(ca, (request, index) => {
      if (killOnThirdOfBatch && endpoint.events.length === 1 + 3) replicas[0].process.kill('SIGKILL');
      return { ...echoChallenge(request, index), delayMs: request.body.includes('"HTTPSEndpointVerification"') ? 0 : ANSWER_DELAY_MS };
    });
    // One database, one keyring and one topic (so one consumer group) for both replicas.
    const env = { MONGO_URI: uniqueMongoUri('rekey_bots_crash'), REKEY_BOTS_DELIVERIES_TOPIC: topic, REKEY_BOTS_OUTBOUND_CA_FILE: ca.caFile, REKEY_BOTS_OUTBOUND_ALLOWED_NETWORKS: '127.0.0.0/8', ...writeProductionSecrets() };
    const spawnReplica = async () => {
      const replica = await spawnProductionApp('bots', env, { fromSource: true });
      replicas.push(replica);
      await waitUntilReady(replica, 60_000);
      return replica;
    };
    const first = await spawnReplica();
    outcomes = await TopicTail.start(TOPICS.bots);
    producer = new Kafka({ clientId: 'delivery-crash-test', brokers: testKafkaBrokers().split(','), logLevel: 0 }).producer();
    await producer.connect();

    const chime = new ChimeClient(awsClientConfig(first.url, 'A'));
    const accountId = (await chime.send(new CreateAccountCommand({ Name: 'delivery-crash' }))).Account!.AccountId!;
    const bot = (await chime.send(new CreateBotCommand({ AccountId: accountId, DisplayName: 'crash' }))).Bot!;
    await chime.send(new PutEventsConfigurationCommand({ AccountId: accountId, BotId: bot.BotId, OutboundEventsHTTPSEndpoint: endpoint.url() }));
    const request = (message: string) => {
      const id = randomUUID();
      const event = { Sender: { SenderId: 'user@example.com', SenderIdType: 'EmailId' }, Discussion: { DiscussionId: 'room', DiscussionType: 'Room' }, EventType: 'Mention', EventTimestamp: new Date().toISOString(), Message: message };
      return { id, message: toKafkaMessage({ id, type: EVENT_TYPES.bots.DeliveryRequested, source: '/acme/chat', subject: `/accounts/${accountId}/bots/${bot.BotId}`, tenant: '111111111111', key: bot.BotId!, time: new Date().toISOString(), data: { tenant: '111111111111', chimeAccountId: accountId, botId: bot.BotId, event } }) };
    };

    // The first replica holds the bot's partition once it delivered this.
    await producer.send({ topic, acks: -1, messages: [request('warm-up').message] });
    await endpoint.waitForEvents(1, 30_000);
    const requested = Array.from({ length: REQUESTS }, (_, n) => ({ ...request(`m${n + 1}`), text: `m${n + 1}` }));
    // Killed with two of the batch answered, one in flight and the rest not sent (nor any outcome published).
    killOnThirdOfBatch = true;
    await producer.send({ topic, acks: -1, messages: requested.map(({ message }) => message) });
    await first.exited;
    const deliveredBeforeTheKill = endpoint.events.length - 1;
    expect(deliveredBeforeTheKill).toBe(3);

    // The second replica gets the partition once the group gives up on the first (its session timeout).
    await spawnReplica();
    const delivered = await outcomes.waitFor((event) => event.headers.ce_type === EVENT_TYPES.bots.EventDelivered && requested.some(({ id }) => id === event.data.deliveryId), REQUESTS, 90_000);
    expect(new Set(delivered.map((event) => event.data.deliveryId))).toEqual(new Set(requested.map(({ id }) => id)));

    const received = endpoint.events.slice(1);
    expect(received.every((event) => verifiesWith(event, bot.SecurityToken!))).toBe(true);
    const firstDeliveries = [...new Set(received.map((event) => messageOf(event.body)))];
    expect(firstDeliveries).toEqual(requested.map(({ text }) => text));
    // What the first replica sent before it died was sent again: at least once, not at most once.
    expect(received.length).toBeGreaterThanOrEqual(REQUESTS + deliveredBeforeTheKill);
  }, 180_000);
});
