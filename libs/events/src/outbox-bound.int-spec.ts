import { uniqueMongoUri } from '@rekey/testing';
import { Kafka } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { Registry } from 'prom-client';
import { StringIdDocument } from './driver-collection';
import { newEvent } from './event';
import { EventProducer } from './event-producer';
import { MAX_OUTBOX_EVENTS, outboxForCreate, OutboxFullError } from './outbox';
import { OutboxFastPath } from './outbox-fast-path';
import { OutboxRelay } from './outbox-relay';

const counted = (value: number) => newEvent('bots', { type: 'rekey.test.counted', subject: '/counters/c', tenant: '111111111111', key: 'c', data: { value } });

describe('a full outbox refuses the change instead of growing (Kafka away for long)', () => {
  let mongo: MongoClient;
  let producer: EventProducer;
  let fastPath: OutboxFastPath;

  beforeAll(async () => {
    mongo = await MongoClient.connect(uniqueMongoUri('rekey_outbox_bound'));
    // Nothing listens there: nothing recorded is ever published, as while Kafka is away.
    producer = new EventProducer(new Kafka({ clientId: 'nowhere', brokers: ['127.0.0.1:9'], logLevel: 0, retry: { retries: 0 } }));
    fastPath = new OutboxFastPath(producer, 'nowhere', new OutboxRelay(producer, 'nowhere', new Registry()));
  });
  afterAll(async () => {
    await producer.close().catch(() => undefined);
    await mongo.close();
  });

  it(`writes while the outbox holds fewer than ${MAX_OUTBOX_EVENTS} events, then refuses with OutboxFullError (a 503) and leaves the document as it was`, async () => {
    const counters = mongo.db().collection<StringIdDocument>('counters');
    const almostFull = Array.from({ length: MAX_OUTBOX_EVENTS - 1 }, (_, i) => counted(i));
    await counters.insertOne({ _id: 'c', value: 0, ...outboxForCreate(...almostFull) });

    expect(await fastPath.recordAndPublish(counters, { _id: 'c' }, { value: 1 }, [counted(MAX_OUTBOX_EVENTS)])).toMatchObject({ value: 1 });
    const refused = fastPath.recordAndPublish(counters, { _id: 'c' }, { value: 2 }, [counted(MAX_OUTBOX_EVENTS + 1)]);
    await expect(refused).rejects.toThrow(OutboxFullError);
    await expect(refused).rejects.toMatchObject({ statusCode: 503 });

    const stored = await counters.findOne({ _id: 'c' });
    expect(stored).toMatchObject({ value: 1 });
    expect((stored!._outbox as unknown[]).length).toBe(MAX_OUTBOX_EVENTS);
    // A filter that matches nothing is still "nothing matched", not a full outbox.
    expect(await fastPath.recordAndPublish(counters, { _id: 'absent' }, { value: 1 }, [counted(0)])).toBeNull();
  });
});
