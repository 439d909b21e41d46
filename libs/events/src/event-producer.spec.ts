import { Kafka, KafkaJSProtocolError, Message, Producer } from 'kafkajs';
import { EventProducer, MAX_REQUEST_BYTES, produceRequests } from './event-producer';
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
  const kafka = {
    producer: () => {
      const record = { sent: [] as string[] };
      producers.push(record);
      const wedged = failing();
      return {
        connect: async () => undefined,
        disconnect: async () => undefined,
        on: () => () => undefined,
        events: { DISCONNECT: 'producer.disconnect' },
        sendBatch: async ({ topicMessages }: { topicMessages: { messages: Message[] }[] }) => {
          // A producer that failed once stays failed, as kafkajs's idempotent producer does.
          if (wedged) throw outOfOrder();
          for (const { messages } of topicMessages) record.sent.push(...messages.map((m) => String(m.headers?.ce_id)));
          return [];
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
