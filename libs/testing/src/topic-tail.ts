import { retryRetriable, subscribePatiently } from '@rekey/platform';
import { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { testKafkaBrokers, uniqueName } from './test-environment';

/** A message of a topic as tests look at it: headers as strings, the value as text and parsed. */
export interface TailedEvent {
  key: string;
  headers: Record<string, string>;
  /** The value exactly as published, e.g. to check that no secret is in it. */
  raw: string;
  data: Record<string, unknown>;
}

function tailed(message: KafkaMessage): TailedEvent {
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]));
  const raw = message.value?.toString('utf8') ?? '';
  return { key: message.key?.toString('utf8') ?? '', headers, raw, data: JSON.parse(raw) as Record<string, unknown> };
}

/** Each event once: the first delivery of every `ce_id`. */
function firstDeliveries(events: TailedEvent[]): TailedEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => {
    if (seen.has(event.headers.ce_id)) return false;
    seen.add(event.headers.ce_id);
    return true;
  });
}

/** Events of one `ce_type`, optionally of one message key. */
export const ofType = (type: string, key?: string) => (event: TailedEvent) => event.headers.ce_type === type && (key === undefined || event.key === key);

/**
 * Everything published to a topic from the moment `start` resolves (the topics are shared by
 * every test, so it seeks to the current end instead of reading all earlier runs' events).
 */
export class TopicTail {
  readonly events: TailedEvent[] = [];

  private constructor(private readonly consumer: Consumer) {}

  /** `fromBeginning`: every event of the topic, e.g. on a private Kafka where earlier events are the test's own. */
  static async start(topic: string, brokers = testKafkaBrokers(), fromBeginning = false): Promise<TopicTail> {
    const kafka = new Kafka({ clientId: 'topic-tail', brokers: brokers.split(','), logLevel: 0 });
    const admin = kafka.admin();
    await admin.connect();
    // Idempotent: the topic may not exist yet when the test starts before the app.
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
    const ends = await retryRetriable(() => admin.fetchTopicOffsets(topic));
    await admin.disconnect();
    const consumer = kafka.consumer({ groupId: uniqueName('topic-tail') });
    const tail = new TopicTail(consumer);
    await consumer.connect();
    await subscribePatiently(consumer, [topic], fromBeginning);
    await consumer.run({ eachMessage: async ({ message }) => void tail.events.push(tailed(message)) });
    if (!fromBeginning) for (const { partition, offset } of ends) consumer.seek({ topic, partition, offset });
    return tail;
  }

  /**
   * The events matching `predicate` once there are at least `count`, in arrival order, each
   * `ce_id` once, as a subscriber sees them (delivery is at least once; see docs/events.md); fails
   * after the deadline. `events` keeps every delivery.
   */
  async waitFor(predicate: (event: TailedEvent) => boolean, count = 1, timeoutMs = 20_000): Promise<TailedEvent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = firstDeliveries(this.events.filter(predicate));
      if (matching.length >= count) return matching;
      if (Date.now() > deadline) throw new Error(`only ${matching.length} of ${count} expected events within ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  /** The first event of `type` with message key `key`, waiting for it. */
  async find(type: string, key: string, timeoutMs?: number): Promise<TailedEvent> {
    const [first] = await this.waitFor(ofType(type, key), 1, timeoutMs);
    return first;
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}
