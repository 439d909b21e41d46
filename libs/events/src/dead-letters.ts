import { Logger } from '@nestjs/common';
import { Kafka, KafkaMessage, Producer } from 'kafkajs';

/** Where events that cannot be handled go: `<topic>.dlq`, with the group and the reason in headers. */
export const deadLetterTopic = (topic: string) => `${topic}.dlq`;

/** Longest reason kept in the `rekey_dlq_error` header. */
const MAX_REASON_LENGTH = 500;

/** Publishes dead letters: the original key, value and headers, plus `rekey_dlq_group`, `rekey_dlq_error` and `rekey_dlq_attempts`. */
export class DeadLetters {
  private readonly logger = new Logger(DeadLetters.name);
  private producer?: Promise<Producer>;

  constructor(private readonly kafka: Kafka) {}

  async send(topic: string, groupId: string, message: KafkaMessage, reason: string, attempts: number): Promise<void> {
    this.logger.warn(`dead-lettering an event of ${topic} for ${groupId} after ${attempts} attempts: ${reason}`);
    const producer = await this.connected();
    await producer.send({
      topic: deadLetterTopic(topic),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: { ...message.headers, rekey_dlq_group: groupId, rekey_dlq_error: reason.slice(0, MAX_REASON_LENGTH), rekey_dlq_attempts: String(attempts) },
        },
      ],
    });
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await (await producer?.catch(() => undefined))?.disconnect();
  }

  private connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    const connecting = (async () => {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      return producer;
    })();
    // A failed connect is tried again with the next dead letter.
    connecting.catch(() => {
      if (this.producer === connecting) this.producer = undefined;
    });
    this.producer = connecting;
    return connecting;
  }
}
