import { Inject, Injectable } from '@nestjs/common';
import { KAFKA } from '@rekey/platform';
import { Kafka, Producer } from 'kafkajs';
import { toKafkaMessage } from './envelope';
import { RekeyEvent } from './event';

/**
 * The app's one Kafka producer: idempotent, acks from all in-sync replicas, one request in
 * flight so that retries cannot reorder events of a key. Connects on first use, so that the app
 * starts (and keeps recording events in the outbox) while Kafka is away.
 */
@Injectable()
export class EventProducer {
  private readonly producer: Producer;
  private connecting?: Promise<void>;

  constructor(@Inject(KAFKA) kafka: Kafka) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 3, initialRetryTime: 100 } });
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connecting = undefined));
  }

  /** Resolves once every event is acknowledged by Kafka (acks=all). */
  async send(topic: string, events: RekeyEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.connecting ??= this.producer.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    await this.connecting;
    await this.producer.send({ topic, acks: -1, messages: events.map(toKafkaMessage) });
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
