import { TOPICS } from '@rekey/contracts';
import { uniqueName } from '@rekey/testing';
import { Kafka, KafkaMessage } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';

/** A consumed event: CloudEvents headers as strings, the value parsed. */
export interface TailedEvent {
  key: string;
  headers: Record<string, string>;
  data: Record<string, unknown>;
}

function parse(message: KafkaMessage): TailedEvent {
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]));
  return { key: String(message.key), headers, data: JSON.parse(String(message.value)) as Record<string, unknown> };
}

/** Polls `read` until it returns a value, or throws after `timeoutMs`. */
export async function eventually<T>(read: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * Everything published on the chat topic from now on: the consumer starts at the current end of
 * each partition, so that earlier runs' events are not read (`fromBeginning` reads them all).
 */
export async function tailChatTopic(brokers: string, fromBeginning = false) {
  const kafka = new Kafka({ clientId: 'chat-test', brokers: brokers.split(','), logLevel: 0 });
  const topic = TOPICS.chat;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const events: TailedEvent[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('chat-test') });
  await consumer.connect();
  await consumer.subscribe({ topic });
  await consumer.run({ eachMessage: async ({ message }) => void events.push(parse(message)) });
  if (!fromBeginning) for (const { partition, offset } of ends) consumer.seek({ topic, partition, offset });
  return {
    events,
    /** The first event of `type` about `subject` (the room ARN), waiting for it. */
    find(type: string, subject: string, timeoutMs?: number) {
      return eventually(() => events.find((e) => e.headers.ce_type === type && e.headers.ce_subject === subject), timeoutMs, `${type} for ${subject}`);
    },
    stop: () => consumer.disconnect(),
  };
}
