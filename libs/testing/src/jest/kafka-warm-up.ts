import { Kafka, KafkaJSError } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

const WARM_UP_TOPIC = 'rekey.test-warm-up';
const PATIENCE_MS = 60_000;

/**
 * Waits until a broker (possibly started a moment ago) elects partition leaders for a new topic
 * and has a group coordinator loaded: a fresh KRaft broker answers on its port seconds before
 * that, and the first test files would otherwise meet "not the leader" and "coordinator is
 * loading" errors. (The global setup runs outside jest's module mapping, so it uses kafkajs alone.)
 */
export async function warmUpKafka(brokers: string): Promise<void> {
  const kafka = new Kafka({ clientId: 'rekey-test-warm-up', brokers: brokers.split(','), logLevel: 0 });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: WARM_UP_TOPIC, numPartitions: 6 }], waitForLeaders: true });
    const deadline = Date.now() + PATIENCE_MS;
    for (;;) {
      try {
        await admin.fetchTopicOffsets(WARM_UP_TOPIC);
        break;
      } catch (error) {
        if (!(error instanceof KafkaJSError && error.retriable) || Date.now() > deadline) throw error;
        await sleep(200);
      }
    }
  } finally {
    await admin.disconnect();
  }
  const consumer = kafka.consumer({ groupId: `rekey-test-warm-up-${randomUUID()}` });
  await consumer.connect();
  try {
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.subscribe({ topics: [WARM_UP_TOPIC] });
    await consumer.run({ eachMessage: async () => undefined });
    await joined;
  } finally {
    await consumer.disconnect();
  }
}
