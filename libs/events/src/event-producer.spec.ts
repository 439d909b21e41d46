import { Kafka, KafkaJSProtocolError, Message, PartitionMetadata, Producer, ProducerConfig } from 'kafkajs';
import { EventProducer, MAX_REQUEST_BYTES, placementsOf, produceRequests } from './event-producer';
import { RekeyEvent } from './event';

const event = (id: string, bytes = 10): RekeyEvent => ({
  id,
  type: 'rekey.test',
  source: 'test',
  subject: '/t',
  tenant: '111111111111',
  key: 'k',
  time: new Date().toISOString(),
  data: { pad: 'x'.repeat(bytes) },
});

// As kafkajs builds it from the broker's error code 45 (its types hide the protocol-error argument).
const outOfOrder = () =>
  new KafkaJSProtocolError(Object.assign(new Error('The broker received an out of order sequence number'), { type: 'OUT_OF_ORDER_SEQUENCE_NUMBER', code: 45, retriable: false }));

/** A kafkajs client whose producers fail every send while `failing()` says so; records what each producer sent. */
function kafkaStandIn(failing: () => boolean) {
  const producers: { sent: string[] }[] = [];
  const stored = new Map<string, number>();
  const kafka = {
    producer: (config: ProducerConfig) => {
      const record = { sent: [] as string[] };
      producers.push(record);
      const wedged = failing();
      const partitionOf = config.createPartitioner!();
      return {
        connect: async () => undefined,
        disconnect: async () => undefined,
        on: () => () => undefined,
        events: { DISCONNECT: 'producer.disconnect' },
        // Acknowledged as kafkajs does: the messages of a topic together, each partition's base offset (topics of one partition).
        sendBatch: async ({ topicMessages }: { topicMessages: { topic: string; messages: Message[] }[] }) => {
          // A producer that failed once stays failed, as kafkajs's idempotent producer does.
          if (wedged) throw outOfOrder();
          const byTopic = new Map<string, Message[]>();
          for (const { topic, messages } of topicMessages) byTopic.set(topic, [...(byTopic.get(topic) ?? []), ...messages]);
          return [...byTopic].map(([topic, messages]) => {
            const partition = new Set(messages.map((message) => partitionOf({ topic, message, partitionMetadata: [{ partitionId: 0, leader: 0, partitionErrorCode: 0 } as PartitionMetadata] })));
            expect([...partition]).toEqual([0]);
            record.sent.push(...messages.map((m) => String(m.headers?.ce_id)));
            const baseOffset = stored.get(topic) ?? 0;
            stored.set(topic, baseOffset + messages.length);
            return { topicName: topic, partition: 0, errorCode: 0, baseOffset: String(baseOffset) };
          });
        },
      } as unknown as Producer;
    },
  } as unknown as Kafka;
  return { kafka, producers };
}

describe('EventProducer', () => {
  it('replaces a producer that failed, so that a wedged one does not stay in use', async () => {
    let failing = true;
    const { kafka, producers } = kafkaStandIn(() => failing);
    const producer = new EventProducer(kafka);
    await expect(producer.send('t', [event('a')])).rejects.toThrow('out of order sequence number');
    expect(producer.available).toBe(false);
    failing = false;
    await producer.send('t', [event('b')]);
    expect(producer.available).toBe(true);
    expect(producers.map((p) => p.sent)).toEqual([[], ['b']]);
  });

  it('connects once the app has started, and its first send uses that connection', async () => {
    const { kafka, producers } = kafkaStandIn(() => false);
    const producer = new EventProducer(kafka);
    producer.onApplicationBootstrap();
    expect(producers).toHaveLength(1);
    await producer.send('t', [event('a')]);
    expect(producers.map(({ sent }) => sent)).toEqual([['a']]);
  });

  it('resolves each send with where Kafka stored its events', async () => {
    const { kafka } = kafkaStandIn(() => false);
    const producer = new EventProducer(kafka);
    await producer.send('t', [event('a')]);
    const placements = await Promise.all([producer.send('t', [event('b'), event('c')]), producer.send('u', [event('d')]), producer.send('t', [event('e')])]);
    expect(placements).toEqual([
      [{ topic: 't', partition: 0, offset: '1' }, { topic: 't', partition: 0, offset: '2' }],
      [{ topic: 'u', partition: 0, offset: '0' }],
      [{ topic: 't', partition: 0, offset: '3' }],
    ]);
  });

  it("places a request's messages from each partition's acknowledged base offset, in request order", () => {
    const message = (id: string, partition: number) => ({ topic: 't', message: { key: id, value: '', partition } });
    const messages = [message('a', 1), message('b', 0), message('c', 1), { topic: 'u', message: { key: 'd', value: '', partition: 1 } }, message('e', 1)];
    const acknowledged = [
      { topicName: 't', partition: 0, errorCode: 0, baseOffset: '7' },
      { topicName: 't', partition: 1, errorCode: 0, baseOffset: '40' },
      { topicName: 'u', partition: 1, errorCode: 0, baseOffset: '0' },
    ];
    const placed = placementsOf(messages, acknowledged, (one) => one.partition);
    expect(messages.map(({ message: one }) => placed.get(one))).toEqual([
      { topic: 't', partition: 1, offset: '40' },
      { topic: 't', partition: 0, offset: '7' },
      { topic: 't', partition: 1, offset: '41' },
      { topic: 'u', partition: 1, offset: '0' },
      { topic: 't', partition: 1, offset: '42' },
    ]);
    expect(() => placementsOf(messages, acknowledged.slice(1), (one) => one.partition)).toThrow('Kafka acknowledged no offset for a message of t');
  });

  it('fails the sends queued behind a failed one, so that none overtakes it', async () => {
    const { kafka } = kafkaStandIn(() => true);
    const producer = new EventProducer(kafka);
    const outcomes = await Promise.allSettled([producer.send('t', [event('a')]), producer.send('t', [event('b')]), producer.send('t', [event('c')])]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });

  it('splits a batch into requests under the size limit, in order, each send completed by the last request holding its messages', () => {
    const big = (id: string) => ({ key: 'k', value: 'v'.repeat(MAX_REQUEST_BYTES / 3), headers: { ce_id: id } });
    const sends = [
      { topic: 't', messages: [big('1'), big('2')] },
      { topic: 't', messages: [big('3'), big('4'), big('5')] },
      { topic: 'u', messages: [{ key: 'k', value: 'small' }] },
    ];
    const requests = produceRequests(sends);
    const ids = requests.map((r) => r.topicMessages.flatMap((t) => t.messages.map((m) => String(m.headers?.ce_id ?? t.topic))));
    expect(ids).toEqual([['1', '2'], ['3', '4'], ['5', 'u']]);
    expect(requests.map((r) => r.completesSends)).toEqual([1, 1, 3]);
  });
});
