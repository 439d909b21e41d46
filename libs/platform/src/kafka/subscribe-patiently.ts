import { Consumer, KafkaJSError } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long subscribe() keeps retrying a topic whose metadata is not there yet (just created, or a broker still starting). */
const SUBSCRIBE_PATIENCE_MS = 60_000;

/**
 * kafkajs does not retry the metadata request of `consumer.subscribe`, so a topic created a moment
 * ago (UNKNOWN_TOPIC_OR_PARTITION while its metadata propagates) fails the subscription outright.
 */
export async function subscribePatiently(consumer: Consumer, topics: string[], fromBeginning: boolean): Promise<void> {
  const deadline = Date.now() + SUBSCRIBE_PATIENCE_MS;
  for (let delayMs = 100; ; delayMs = Math.min(delayMs * 2, 2_000)) {
    try {
      return await consumer.subscribe({ topics, fromBeginning });
    } catch (error) {
      if (!(error instanceof KafkaJSError && error.retriable) || Date.now() + delayMs > deadline) throw error;
      await sleep(delayMs);
    }
  }
}
