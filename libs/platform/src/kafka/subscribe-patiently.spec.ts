import { Consumer, KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { subscribePatiently } from './subscribe-patiently';

/** A consumer whose subscribe fails with the given errors, in turn, then succeeds. */
function consumerFailingWith(...errors: Error[]): { consumer: Consumer; calls: () => number } {
  let calls = 0;
  const subscribe = async () => {
    const error = errors[calls++];
    if (error) throw error;
  };
  return { consumer: { subscribe } as unknown as Consumer, calls: () => calls };
}

// As kafkajs builds it from the broker's error code 3 (its types hide the protocol-error argument).
const unknownTopic = () =>
  new KafkaJSProtocolError(Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3, retriable: true }));

describe('subscribePatiently', () => {
  it('retries while the topic metadata is not there yet', async () => {
    const { consumer, calls } = consumerFailingWith(unknownTopic(), unknownTopic());
    await subscribePatiently(consumer, ['t'], true);
    expect(calls()).toBe(3);
  });

  it('gives up at once on an error that retrying cannot fix', async () => {
    const { consumer, calls } = consumerFailingWith(new KafkaJSNonRetriableError('topic authorization failed'));
    await expect(subscribePatiently(consumer, ['t'], true)).rejects.toThrow('topic authorization failed');
    expect(calls()).toBe(1);
  });
});
