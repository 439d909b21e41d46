import { Consumer, KafkaJSError } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long a retriable Kafka request is retried (a topic just created, a broker still starting). */
const RETRIABLE_PATIENCE_MS = 60_000;

/**
 * Runs a Kafka request again while it fails with a retriable error (a topic whose metadata is not
 * there yet, a partition whose leader is still being elected on a broker just started), for up to
 * a minute: kafkajs retries neither `consumer.subscribe`'s metadata request nor an admin's
 * offset lookup that meets a stale leader.
 */
export async function retryRetriable<T>(request: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + RETRIABLE_PATIENCE_MS;
  for (let delayMs = 100; ; delayMs = Math.min(delayMs * 2, 2_000)) {
    try {
      return await request();
    } catch (error) {
      if (!(error instanceof KafkaJSError && error.retriable) || Date.now() + delayMs > deadline) throw error;
      await sleep(delayMs);
    }
  }
}

/** `consumer.subscribe`, retried while the topic's metadata propagates (see {@link retryRetriable}). */
export function subscribePatiently(consumer: Consumer, topics: string[], fromBeginning: boolean): Promise<void> {
  return retryRetriable(() => consumer.subscribe({ topics, fromBeginning }));
}
