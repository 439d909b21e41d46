import { testKafkaBrokers, TopicTail, uniqueMongoUri, uniqueName } from '@rekey/testing';
import { Kafka } from 'kafkajs';
import { MongoClient } from 'mongodb';
import type { Model } from 'mongoose';
import { Registry } from 'prom-client';
import { StringIdDocument } from './driver-collection';
import { newEvent, RekeyEvent } from './event';
import { EventProducer } from './event-producer';
import { outboxForCreate } from './outbox';
import { OutboxRelay } from './outbox-relay';

const counted = (key: string, value: number) => newEvent('bots', { type: 'rekey.test.counted', subject: `/counters/${key}`, tenant: '111111111111', key, data: { value } });

describe('the outbox relay drains a backlog in small passes (Kafka back after a long outage)', () => {
  let mongo: MongoClient;
  let producer: EventProducer;

  beforeAll(async () => {
    mongo = await MongoClient.connect(uniqueMongoUri('rekey_outbox_relay'));
    producer = new EventProducer(new Kafka({ clientId: 'relay-test', brokers: testKafkaBrokers().split(','), logLevel: 0 }));
  });
  afterAll(async () => {
    await producer.close();
    await mongo.close();
  });

  it('sends at most 20 entries per document and 1,000 per pass, oldest first, until every outbox is empty', async () => {
    const topic = uniqueName('relay-passes');
    const db = mongo.db();
    const counters = db.collection<StringIdDocument>('counters');
    // 60 documents of 45 entries: more documents than a pass claims, more entries than it reads of each.
    const backlog = new Map<string, RekeyEvent[]>();
    for (let doc = 0; doc < 60; doc += 1) backlog.set(`c${doc}`, Array.from({ length: 45 }, (_, i) => counted(`c${doc}`, i)));
    await counters.insertMany([...backlog].map(([_id, events]) => ({ _id, value: 0, ...outboxForCreate(...events) })));

    const tail = await TopicTail.start(topic);
    const passes: RekeyEvent[][] = [];
    const send = producer.send.bind(producer);
    jest.spyOn(producer, 'send').mockImplementation((to, events) => (passes.push(events), send(to, events)));
    const relay = new OutboxRelay(producer, topic, new Registry());
    relay.watch({ collection: counters, db: { db } } as unknown as Model<unknown>);
    try {
      await relay.flush(60_000);
      await tail.waitFor(() => true, 60 * 45, 30_000);
    } finally {
      await tail.stop();
    }

    expect(Math.max(...passes.map((pass) => pass.length))).toBeLessThanOrEqual(1_000);
    const mostOfOneDocument = passes.map((pass) => Math.max(...pass.map((event) => pass.filter((other) => other.key === event.key).length)));
    expect(Math.max(...mostOfOneDocument)).toBeLessThanOrEqual(20);
    for (const [key, events] of backlog) {
      const published = tail.events.filter((event) => event.key === key).map((event) => event.headers.ce_id);
      expect(published).toEqual(events.map((event) => event.id));
    }
    expect(await counters.countDocuments({ _outbox: { $ne: [] } })).toBe(0);
  }, 120_000);
});
