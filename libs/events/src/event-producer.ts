import { Inject, Injectable } from '@nestjs/common';
import { KAFKA } from '@rekey/platform';
import { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import { toKafkaMessage } from './envelope';
import { RekeyEvent } from './event';
import { JoiningQueue } from './joining-queue';

/** Sends waiting together go out as one request, up to this many. */
const MAX_SENDS_PER_REQUEST = 100;

interface PendingSend {
  topic: string;
  messages: Message[];
  resolve(): void;
  reject(error: unknown): void;
}

/** Joins consecutive sends to the same topic, keeping their order. */
function byTopic(sends: PendingSend[]): TopicMessages[] {
  const batches: TopicMessages[] = [];
  for (const { topic, messages } of sends) {
    const last = batches.at(-1);
    if (last?.topic === topic) last.messages.push(...messages);
    else batches.push({ topic, messages: [...messages] });
  }
  return batches;
}

/**
 * The app's one Kafka producer: idempotent, acks from all in-sync replicas, one request in
 * flight so that retries cannot reorder events of a key. Sends that arrive while a request is in
 * flight wait and then go out together in the next one, so that callers awaiting their own ack
 * (chat tokens) are not served one round trip at a time. Connects on first use, so that the app
 * starts (and keeps recording events in the outbox) while Kafka is away.
 */
@Injectable()
export class EventProducer {
  private readonly producer: Producer;
  private connecting?: Promise<void>;
  private readonly sends = new JoiningQueue<PendingSend>(MAX_SENDS_PER_REQUEST, (batch) => this.sendTogether(batch));

  constructor(@Inject(KAFKA) kafka: Kafka) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 3, initialRetryTime: 100 } });
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connecting = undefined));
  }

  /** Resolves once every event is acknowledged by Kafka (acks=all). */
  send(topic: string, events: RekeyEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => this.sends.push({ topic, messages: events.map(toKafkaMessage), resolve, reject }));
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }

  private async sendTogether(sends: PendingSend[]): Promise<void> {
    try {
      await this.connect();
      await this.producer.sendBatch({ acks: -1, topicMessages: byTopic(sends) });
      for (const send of sends) send.resolve();
    } catch (error) {
      for (const send of sends) send.reject(error);
    }
  }

  private connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }
}
