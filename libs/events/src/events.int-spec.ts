import { Controller, DynamicModule, Module, Type } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { getConnectionToken } from '@nestjs/mongoose';
import { BotEventData, EVENT_TYPES } from '@rekey/contracts';
import { PlatformModule, RekeyConfig, subscribePatiently } from '@rekey/platform';
import { eventually, LocalKafka, startTestApp, TestApp, testKafkaBrokers, uniqueMongoUri, uniqueName } from '@rekey/testing';
import { Kafka, KafkaMessage } from 'kafkajs';
import { Connection, Model, Schema } from 'mongoose';
import { setTimeout as sleep } from 'node:timers/promises';
import { driverCollection } from './driver-collection';
import { EventProducer } from './event-producer';
import { EventPublisher } from './event-publisher';
import { deadLetterTopic } from './dead-letters';
import { newEvent, RekeyEvent } from './event';
import { EventBatchContext, EventContext } from './event-context';
import { EventSubscription } from './event-subscription';
import { EventsModule } from './events.module';
import { outboxForCreate, recordEvents, withOutbox } from './outbox';
import { OutboxFastPath } from './outbox-fast-path';
import { OutboxRelay } from './outbox-relay';
import { UnprocessableEventError } from './unprocessable-event';

/** A resource with a counter, changed together with its events as the apps do. */
const counterSchema = withOutbox(new Schema({ _id: String, value: Number }));

function counterModel(connection: Connection): Model<{ _id: string; value: number }> {
  return (connection.models.Counter as Model<{ _id: string; value: number }>) ?? connection.model('Counter', counterSchema);
}

/** The events of the counters: BotUpdated payloads (as the transport validates them) with the counter's value. */
type CounterData = BotEventData & { value: number };

/** A controller handling the counters' events with `handle`, in `subscription`. */
function counterHandler(subscription: EventSubscription, handle: (data: CounterData, context: EventContext) => void | Promise<void>): Type {
  @Controller()
  class CounterEvents {
    @EventPattern(EVENT_TYPES.bots.BotUpdated, subscription)
    async updated(@Payload() data: CounterData, @Ctx() context: EventContext): Promise<void> {
      await handle(data, context);
    }
  }
  return CounterEvents;
}

function eventsModule(topic: string, controllers: Type[] = []) {
  @Module({})
  class EventsTestModule {
    static register(config: RekeyConfig): DynamicModule {
      return { module: EventsTestModule, imports: [PlatformModule.forRoot(config), EventsModule.forRoot({ app: 'bots', topic })], controllers };
    }
  }
  return (config: RekeyConfig) => EventsTestModule.register(config);
}

async function startRelayApp(topic: string, env: NodeJS.ProcessEnv = {}, controllers: Type[] = []): Promise<{ app: TestApp; counters: Model<{ _id: string; value: number }>; relay: OutboxRelay }> {
  const app = await startTestApp('bots', eventsModule(topic, controllers), env);
  const counters = counterModel(app.nest.get<Connection>(getConnectionToken()));
  await counters.init();
  const relay = app.nest.get(OutboxRelay);
  relay.watch(counters);
  return { app, counters, relay };
}

const counted = (key: string, value: number): RekeyEvent<CounterData> =>
  newEvent('bots', {
    type: EVENT_TYPES.bots.BotUpdated,
    subject: `/counters/${key}`,
    tenant: '111111111111',
    key,
    data: { tenant: '111111111111', chimeAccountId: 'counters', botId: key, userId: key, disabled: false, deleted: false, generation: 1, updatedAt: new Date().toISOString(), value },
  });

/** What a handler saw of an event: its attributes from the context, its validated payload. */
const seen = (data: object, context: EventContext) => ({ id: context.id, type: context.type, source: context.source, subject: context.subject, tenant: context.tenant, key: context.key, data });

/** Collects every message of a topic (created if need be) from the beginning. */
async function collect(kafka: Kafka, topic: string, numPartitions = 1) {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  await admin.disconnect();
  const messages: KafkaMessage[] = [];
  /** `<partition>@<offset>` of each message, by its `ce_id`. */
  const placements = new Map<string, string>();
  const consumer = kafka.consumer({ groupId: uniqueName('collector') });
  await consumer.connect();
  await subscribePatiently(consumer, [topic], true);
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      messages.push(message);
      placements.set(String(message.headers?.ce_id), `${partition}@${message.offset}`);
    },
  });
  return {
    messages,
    placements,
    stop: () => consumer.disconnect(),
  };
}

const idOf = (m: KafkaMessage) => String(m.headers?.ce_id);

describe('outbox relay and subscriber on real Kafka and MongoDB-wire server', () => {
  const kafka = new Kafka({ clientId: 'events-test', brokers: [testKafkaBrokers()], logLevel: 0 });

  it('publishes a change and its event recorded in one write, as a CloudEvent, exactly once after de-duplication', async () => {
    const topic = uniqueName('outbox-atomic');
    const mongoUri = uniqueMongoUri('rekey_events');
    // Written while no relay runs: as if the relay died between the write and the publish.
    const first = await startRelayApp(topic, { MONGO_URI: mongoUri });
    await first.app.close();
    const handled: ReturnType<typeof seen>[] = [];
    const group = uniqueName('atomic');
    const handler = counterHandler({ group, fromBeginning: true }, (data, context) => void handled.push(seen(data, context)));
    const writer = await startTestApp('bots', eventsModule(topic, [handler]), { MONGO_URI: mongoUri });
    const counters = counterModel(writer.nest.get<Connection>(getConnectionToken()));
    await counters.init();
    const created = counted('c1', 1);
    await counters.create({ _id: 'c1', value: 1, ...outboxForCreate(created) });
    const updated = counted('c1', 2);
    await counters.updateOne({ _id: 'c1' }, recordEvents({ $set: { value: 2 } }, updated));
    const stored = await counters.findById('c1').lean();
    expect(stored?.value).toBe(2);
    expect((stored as unknown as { _outbox: RekeyEvent[] })._outbox.map((e) => e.id)).toEqual([created.id, updated.id]);

    const relay = writer.nest.get(OutboxRelay);
    relay.watch(counters);
    await relay.flush();
    // A second publication of the same events (a replica that crashed before removing them).
    await writer.nest.get(EventProducer).send(topic, [created]);
    const deadline = Date.now() + 15_000;
    while (handled.length < 2 && Date.now() < deadline) await sleep(50);
    await sleep(500);
    expect(handled.map((e) => e.id)).toEqual([created.id, updated.id]);
    expect(handled[1]).toMatchObject({ type: EVENT_TYPES.bots.BotUpdated, source: '/rekey/bots', subject: '/counters/c1', tenant: '111111111111', key: 'c1', data: { value: 2 } });
    expect(await counters.findById('c1').lean()).toMatchObject({ value: 2, _outboxPending: false, _outbox: [] });
    const lag = (await (await fetch(`${writer.url}/metrics`)).text()).split('\n').filter((line) => line.startsWith('rekey_consumer_lag_messages{') && line.includes(`group="${group}"`));
    expect(lag.length).toBeGreaterThan(0);
    expect(lag.filter((line) => !line.endsWith(' 0'))).toEqual([]);
    await writer.close();
  });

  it('keeps accepting writes while Kafka is down and delivers their events once it is back, in order after de-duplication', async () => {
    const localKafka = new LocalKafka(19292);
    await localKafka.start();
    const topic = uniqueName('outbox-outage');
    const { app, counters, relay } = await startRelayApp(topic, { KAFKA_BROKERS: localKafka.brokers });
    try {
      await counters.create({ _id: 'k', value: 0 });
      await localKafka.stop();
      const written: RekeyEvent[] = [];
      for (let value = 1; value <= 5; value += 1) {
        const event = counted('k', value);
        await counters.updateOne({ _id: 'k' }, recordEvents({ $set: { value } }, event));
        relay.wake();
        written.push(event);
      }
      expect((await counters.findById('k').lean())?.value).toBe(5);
      await localKafka.start();
      const collector = await collect(new Kafka({ brokers: [localKafka.brokers], logLevel: 0 }), topic);
      // At least once: a send Kafka stored but acknowledged too late, while it was starting, goes out
      // again. A subscriber de-duplicating on ce_id sees each event once, in the order written.
      const firstSeen = () => [...new Set(collector.messages.map(idOf))];
      await eventually(() => (firstSeen().length >= 5 ? true : undefined), 40_000, 'the messages of collector');
      expect(firstSeen()).toEqual(written.map((e) => e.id));
      await collector.stop();
    } finally {
      await app.close();
      await localKafka.stop();
    }
  }, 120_000);

  it('lets two relays share one collection: every event published, duplicates only with the same id', async () => {
    const topic = uniqueName('outbox-replicas');
    const mongoUri = uniqueMongoUri('rekey_events');
    const [a, b] = await Promise.all([startRelayApp(topic, { MONGO_URI: mongoUri }), startRelayApp(topic, { MONGO_URI: mongoUri })]);
    const collector = await collect(kafka, topic);
    const written: RekeyEvent[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, doc) => {
        const writer = doc % 2 === 0 ? a : b;
        await writer.counters.create({ _id: `d${doc}`, value: 0 });
        for (let value = 1; value <= 5; value += 1) {
          const event = counted(`d${doc}`, value);
          written.push(event);
          await writer.counters.updateOne({ _id: `d${doc}` }, recordEvents({ $set: { value } }, event));
          writer.relay.wake();
        }
      }),
    );
    const ids = new Set(written.map((e) => e.id));
    await eventually(() => (ids.size === new Set(collector.messages.map(idOf)).size ? true : undefined), 20_000, 'the messages of collector');
    expect(new Set(collector.messages.map(idOf))).toEqual(ids);
    for (const key of ['d0', 'd7', 'd19']) {
      const order = collector.messages.filter((m) => String(m.key) === key).map((m) => JSON.parse(String(m.value)).value);
      expect(order.filter((v, i) => order.indexOf(v) === i)).toEqual([1, 2, 3, 4, 5]);
    }
    await collector.stop();
    await Promise.all([a.app.close(), b.app.close()]);
  });

  it('acknowledges each of many concurrent direct publishes once Kafka has it, in call order per key, with where Kafka stored it', async () => {
    const topic = uniqueName('publisher');
    const { app } = await startRelayApp(topic);
    const collector = await collect(kafka, topic, 3);
    const publisher = app.nest.get(EventPublisher);
    const events = Array.from({ length: 300 }, (_, i) => counted(`k${i % 5}`, i));
    const acked = new Map<string, string>();
    await Promise.all(events.map((event) => publisher.publish(event).then(({ topic: stored, partition, offset }) => void acked.set(event.id, `${partition}@${offset}@${stored}`))));
    expect(new Set(acked.keys())).toEqual(new Set(events.map((e) => e.id)));
    await eventually(() => (collector.messages.length >= 300 ? true : undefined), 20_000, 'the messages of collector');
    for (const key of ['k0', 'k1', 'k2', 'k3', 'k4']) {
      expect(collector.messages.filter((m) => String(m.key) === key).map(idOf)).toEqual(events.filter((e) => e.key === key).map((e) => e.id));
    }
    // The acknowledged placement is where a consumer reads the event (5 keys over 3 partitions).
    expect(new Set([...collector.placements.values()].map((placement) => placement.split('@')[0])).size).toBeGreaterThan(1);
    expect(acked).toEqual(new Map([...collector.placements].map(([id, placement]) => [id, `${placement}@${topic}`])));
    await collector.stop();
    await app.close();
  });

  it('retries a failing handler, then dead-letters the event without blocking the partition; an unprocessable one at once', async () => {
    const topic = uniqueName('subscriber-dlq');
    const poison = counted('p', 1);
    const unprocessable = counted('p', 2);
    const healthy = counted('p', 3);
    const attempts: string[] = [];
    const handled: string[] = [];
    const handler = counterHandler({ group: uniqueName('dlq'), fromBeginning: true, maxAttempts: 3 }, (_, context) => {
      attempts.push(context.id);
      if (context.id === poison.id) throw new Error('cannot handle this one');
      if (context.id === unprocessable.id) throw new UnprocessableEventError('no retry can handle this one');
      handled.push(context.id);
    });
    const { app, counters, relay } = await startRelayApp(topic, {}, [handler]);
    await counters.create({ _id: 'p', value: 3, ...outboxForCreate(poison, unprocessable, healthy) });
    relay.wake();
    const deadLetters = await collect(kafka, deadLetterTopic(topic));
    await eventually(() => (deadLetters.messages.length === 2 && handled.length === 1 ? true : undefined), 30_000, 'the messages of deadLetters');
    expect(attempts.filter((id) => id === poison.id)).toHaveLength(3);
    expect(attempts.filter((id) => id === unprocessable.id)).toHaveLength(1);
    expect(handled).toEqual([healthy.id]);
    expect(deadLetters.messages.map(idOf)).toEqual([poison.id, unprocessable.id]);
    expect(deadLetters.messages.map((m) => String(m.headers?.rekey_dlq_error))).toEqual(['cannot handle this one', 'no retry can handle this one']);
    expect(deadLetters.messages.map((m) => String(m.headers?.rekey_dlq_attempts))).toEqual(['3', '1']);
    await deadLetters.stop();
    await app.close();
  });

  it('dead-letters a payload that breaks its contract class with the reason, and handles a valid one exactly once after a redelivery', async () => {
    const topic = uniqueName('transport-validation');
    const group = uniqueName('validation');
    const invalid = { ...counted('v', 1), data: { ...counted('v', 1).data, tenant: 'nobody', generation: 0 } };
    const valid = counted('v', 2);
    const attempts: string[] = [];
    const handled: ReturnType<typeof seen>[] = [];
    const handler = counterHandler({ group, fromBeginning: true }, (data, context) => {
      attempts.push(context.id);
      // A transient failure: the retry handles it.
      if (attempts.length === 1) throw new Error('not yet');
      handled.push(seen(data, context));
    });
    const { app } = await startRelayApp(topic, {}, [handler]);
    const deadLetters = await collect(kafka, deadLetterTopic(topic));
    const producer = app.nest.get(EventProducer);
    await producer.send(topic, [invalid, valid]);
    // The same event again, as after a consumer that handled it crashed before committing.
    await producer.send(topic, [valid]);
    await eventually(() => (deadLetters.messages.length === 1 && handled.length === 1 ? true : undefined), 30_000, 'the messages of deadLetters');
    await sleep(1_000);
    expect(idOf(deadLetters.messages[0])).toBe(invalid.id);
    const headers = deadLetters.messages[0].headers ?? {};
    expect(String(headers.rekey_dlq_error)).toBe(`${EVENT_TYPES.bots.BotUpdated} payload is invalid: tenant must be a 12-digit account; generation must not be less than 1`);
    expect([String(headers.rekey_dlq_group), String(headers.rekey_dlq_attempts)]).toEqual([group, '0']);
    expect(String(deadLetters.messages[0].value)).toBe(JSON.stringify(invalid.data));
    expect(attempts).toEqual([valid.id, valid.id]);
    expect(handled).toEqual([{ id: valid.id, type: valid.type, source: '/rekey/bots', subject: '/counters/v', tenant: '111111111111', key: 'v', data: valid.data }]);
    expect(handled[0].data).toBeInstanceOf(BotEventData);
    await deadLetters.stop();
    await app.close();
  });

  it('hands a batch subscription its events in order and de-duplicated; a failing batch goes again one event at a time, the poison one dead-lettered', async () => {
    const topic = uniqueName('transport-batch');
    const events = Array.from({ length: 30 }, (_, n) => counted('batched', n + 1));
    const poison = events[7];
    const batches: string[][] = [];
    const handled: string[] = [];
    @Controller()
    class BatchEvents {
      @EventPattern(EVENT_TYPES.bots.BotUpdated, { group: uniqueName('batch'), fromBeginning: true, maxAttempts: 2, batch: true })
      async updated(@Payload() data: CounterData[], @Ctx() batch: EventBatchContext): Promise<void> {
        const ids = batch.events.map((context) => context.id);
        expect(data.map(({ value }) => value)).toEqual(ids.map((id) => events.findIndex((event) => event.id === id) + 1));
        batches.push(ids);
        if (ids.includes(poison.id)) throw new Error('cannot handle this one');
        handled.push(...ids);
      }
    }
    const { app } = await startRelayApp(topic, {}, [BatchEvents]);
    const deadLetters = await collect(kafka, deadLetterTopic(topic));
    // One send: the events arrive in one fetch, a repeat of the fourth among them.
    await app.nest.get(EventProducer).send(topic, [...events, events[3]]);
    await eventually(() => (deadLetters.messages.length === 1 && handled.length >= events.length - 1 ? true : undefined), 30_000, 'the batches handled');
    await sleep(500);
    expect(handled).toEqual(events.filter((event) => event !== poison).map((event) => event.id));
    expect(batches.some((ids) => ids.length > 2)).toBe(true);
    // The failed batch, then the poison event alone twice (maxAttempts).
    expect(batches.filter((ids) => ids.includes(poison.id)).map((ids) => ids.length > 1)).toEqual([true, false, false]);
    expect([idOf(deadLetters.messages[0]), String(deadLetters.messages[0].headers?.rekey_dlq_attempts)]).toEqual([poison.id, '2']);
    await deadLetters.stop();
    await app.close();
  });

  it('broadcast mode delivers every event to every replica; a dead replica\'s claim expires; the backlog metric counts what is left', async () => {
    const topic = uniqueName('broadcast');
    const mongoUri = uniqueMongoUri('rekey_events');
    const seenBy: Record<string, string[]> = { first: [], second: [] };
    const replica = (name: string) => counterHandler({ group: 'rooms-cache', broadcast: true, fromBeginning: true }, (_, context) => void seenBy[name].push(context.id));
    const { app, counters, relay } = await startRelayApp(topic, { MONGO_URI: mongoUri }, [replica('first')]);
    // Another replica, sharing the database.
    const second = await startTestApp('bots', eventsModule(topic, [replica('second')]), { MONGO_URI: mongoUri });
    const event = counted('b', 1);
    // Recorded under the live claim of a replica that then died: nothing is published until it expires.
    await counters.create({ _id: 'b', value: 1, ...outboxForCreate(event), _outboxClaimedBy: 'dead', _outboxClaimUntil: new Date(Date.now() + 60_000) });
    const scrape = async () => (await (await fetch(`${app.url}/metrics`)).text()).match(/^rekey_outbox_backlog_documents\{[^}]*\} (\d+)$/m)?.[1];
    relay.wake();
    await sleep(300);
    expect(await scrape()).toBe('1');
    expect(seenBy).toEqual({ first: [], second: [] });
    await counters.updateOne({ _id: 'b' }, { $set: { _outboxClaimUntil: new Date(0) } });
    relay.wake();
    const deadline = Date.now() + 20_000;
    while ((seenBy.first.length === 0 || seenBy.second.length === 0) && Date.now() < deadline) await sleep(50);
    expect(seenBy).toEqual({ first: [event.id], second: [event.id] });
    // The relay clears the outbox after Kafka's acknowledgement, which the subscribers can beat.
    await eventually(async () => ((await scrape()) === '0' ? true : undefined), 5_000, 'an empty backlog');
    await Promise.all([app.close(), second.close()]);
  });

  describe('fast path: a write that claims its outbox publishes its own events', () => {
    const claimFields = ['_outboxClaimedBy', '_outboxClaimUntil'];

    /** Creates counter `key`, then changes it with an event through `fastPath`. */
    async function recordedWrite(setup: Awaited<ReturnType<typeof startRelayApp>>, fastPath: OutboxFastPath, key: string) {
      await setup.counters.create({ _id: key, value: 1 });
      const event = counted(key, 2);
      const documents = driverCollection(setup.counters);
      const began = Date.now();
      const written = await fastPath.recordAndPublish(documents, { _id: key }, { value: 2 }, [event]);
      return { event, documents, written, elapsedMs: Date.now() - began };
    }

    it('has Kafka acknowledge the events before recordAndPublish resolves, then clears the outbox in the background; the relay sends nothing more', async () => {
      const topic = uniqueName('outbox-fast');
      const setup = await startRelayApp(topic, { MONGO_URI: uniqueMongoUri('rekey_events') });
      const received = await collect(kafka, topic);
      try {
        const fastPath = setup.app.nest.get(OutboxFastPath);
        const { event, documents, written } = await recordedWrite(setup, fastPath, 'f1');
        // The post-image of the write: it claimed the outbox.
        expect(written).toMatchObject({ value: 2, _outboxClaimedBy: expect.any(String) });
        // The flush waits for every pending outbox, the one being cleared after the answer included.
        await setup.relay.flush();
        const stored = await documents.findOne({ _id: 'f1' });
        expect(stored).toMatchObject({ value: 2, _outbox: [], _outboxPending: false });
        for (const field of claimFields) expect(stored).not.toHaveProperty(field);
        await eventually(() => (received.messages.some((m) => idOf(m) === event.id) ? true : undefined), 20_000, 'the messages of received');
        setup.relay.wake();
        await sleep(1_000);
        expect(received.messages.filter((m) => idOf(m) === event.id)).toHaveLength(1);
      } finally {
        await received.stop();
        await setup.app.close();
      }
    });

    it('answers before its outbox is cleared; while the clearing is pending, neither its relay nor another replica\'s sends the events again', async () => {
      const topic = uniqueName('outbox-fast-clearing');
      const mongoUri = uniqueMongoUri('rekey_events');
      const [setup, other] = await Promise.all([startRelayApp(topic, { MONGO_URI: mongoUri }), startRelayApp(topic, { MONGO_URI: mongoUri })]);
      const received = await collect(kafka, topic);
      let releaseClearing!: () => void;
      const clearingHeld = new Promise<void>((resolve) => (releaseClearing = resolve));
      try {
        await setup.counters.create({ _id: 'f3', value: 1 });
        const documents = driverCollection(setup.counters);
        // The same collection, whose bulk writes (the clearing's) wait for the test.
        const held = new Proxy(documents, {
          get(target, field) {
            const value = Reflect.get(target, field) as unknown;
            if (typeof value !== 'function') return value;
            const method = value as (...args: unknown[]) => unknown;
            return field === 'bulkWrite' ? async (...args: unknown[]) => clearingHeld.then(() => method.apply(target, args)) : method.bind(target);
          },
        });
        const event = counted('f3', 2);
        await setup.app.nest.get(OutboxFastPath).recordAndPublish(held, { _id: 'f3' }, { value: 2 }, [event]);
        await eventually(() => (received.messages.some((m) => idOf(m) === event.id) ? true : undefined), 20_000, 'the messages of received');
        // Answered: in Kafka, still in the outbox, under the request's claim.
        expect(await documents.findOne({ _id: 'f3' })).toMatchObject({ _outbox: [expect.objectContaining({ id: event.id })], _outboxClaimedBy: expect.any(String) });
        setup.relay.wake();
        other.relay.wake();
        await sleep(1_000);
        expect(received.messages.filter((m) => idOf(m) === event.id)).toHaveLength(1);
        releaseClearing();
        await other.relay.flush();
        const stored = await documents.findOne({ _id: 'f3' });
        expect(stored).toMatchObject({ value: 2, _outbox: [], _outboxPending: false });
        for (const field of claimFields) expect(stored).not.toHaveProperty(field);
        expect(received.messages.filter((m) => idOf(m) === event.id)).toHaveLength(1);
      } finally {
        releaseClearing();
        await received.stop();
        await Promise.all([setup.app.close(), other.app.close()]);
      }
    });

    it('leaves the events to the relay, claim released, when Kafka does not acknowledge within a second', async () => {
      const topic = uniqueName('outbox-fast-down');
      const setup = await startRelayApp(topic, { MONGO_URI: uniqueMongoUri('rekey_events') });
      const received = await collect(kafka, topic);
      const unreachable = new EventProducer(new Kafka({ clientId: 'nowhere', brokers: ['127.0.0.1:9'], logLevel: 0, retry: { retries: 1 } }));
      try {
        const stalled = new OutboxFastPath(unreachable, topic, setup.relay);
        const { event, documents, written, elapsedMs } = await recordedWrite(setup, stalled, 'f2');
        expect(written).toMatchObject({ value: 2 });
        // Bounded by the fast path's own timeout, not by the client's connection retries.
        expect(elapsedMs).toBeLessThan(5_000);
        // Sooner than the fast path's 10 s claim would lapse: only a released claim lets the relay send it.
        await eventually(() => (received.messages.some((m) => idOf(m) === event.id) ? true : undefined), 8_000, 'the messages of received');
        // The relay holds a claim of its own from its send until it has removed the entries: wait for that to end too.
        const unclaimed = Object.fromEntries(claimFields.map((field) => [field, { $exists: false }]));
        expect(await eventually(() => documents.findOne({ _id: 'f2', ...unclaimed }).then((doc) => doc ?? undefined), 10_000, 'the claims released')).toMatchObject({ value: 2 });
      } finally {
        await unreachable.close().catch(() => undefined);
        await received.stop();
        await setup.app.close();
      }
    });
  });
});
