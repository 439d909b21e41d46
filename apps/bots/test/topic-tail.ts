import { uniqueName } from '@rekey/testing';
import { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';

/** A message of the app's topic as the tests look at it: headers as strings, the value parsed. */
export interface TailedEvent {
  key: string;
  headers: Record<string, string>;
  data: Record<string, unknown>;
  raw: string;
}

function parse(message: KafkaMessage): TailedEvent {
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]));
  const raw = message.value?.toString('utf8') ?? '';
  return { key: message.key?.toString('utf8') ?? '', headers, data: JSON.parse(raw) as Record<string, unknown>, raw };
}

/**
 * Everything published to a topic after `start` (the topic is shared with other test runs, so
 * the tail seeks to the offsets of that moment instead of reading from the beginning).
 */
export class TopicTail {
  readonly events: TailedEvent[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, topic: string): Promise<TopicTail> {
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    const consumer = kafka.consumer({ groupId: uniqueName('bots-test-tail') });
    const tail = new TopicTail(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic });
    await consumer.run({ eachMessage: async ({ message }) => void tail.events.push(parse(message)) });
    for (const { partition, high } of offsets) consumer.seek({ topic, partition, offset: high });
    return tail;
  }

  /** The events matching `predicate` once there are at least `count` of them, or fails after the deadline. */
  async waitFor(predicate: (event: TailedEvent) => boolean, count = 1, timeoutMs = 20_000): Promise<TailedEvent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = this.events.filter(predicate);
      if (matching.length >= count) return matching;
      if (Date.now() > deadline) throw new Error(`only ${matching.length} of ${count} expected events within ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

/** Events of one type with one key. */
export const ofType = (type: string, key: string) => (event: TailedEvent) => event.headers.ce_type === type && event.key === key;
