import { BeforeApplicationShutdown, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { KAFKA, METRICS_REGISTRY, subscribePatiently } from '@rekey/platform';
import { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Gauge, Registry } from 'prom-client';
import { fromKafkaMessage, MalformedEventError, ReceivedEvent } from './envelope';
import { PROCESSED_EVENTS, ProcessedEvents } from './processed-events';

export interface SubscriptionOptions {
  groupId: string;
  topics: string[];
  /** Every replica sees every event: the group id gets a per-instance suffix. */
  broadcast?: boolean;
  fromBeginning?: boolean;
  /** Attempts before an event goes to the dead-letter topic (default 5). */
  maxAttempts?: number;
  /**
   * The handler may see an event twice with no harm (e.g. a projection guarded by generations):
   * no `ce_id` bookkeeping, two database round trips fewer per event.
   */
  idempotent?: boolean;
  /** Partitions handled at once (order stays per partition, i.e. per key); default 1. */
  partitionsConsumedConcurrently?: number;
  handle(event: ReceivedEvent): Promise<void>;
}

export interface Subscription {
  /** Settles once the consumer joined its group and got its partitions (kafkajs runs before that). */
  joined: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Thrown by a handler for an event that no retry can help (e.g. sealed with a key this app does
 * not hold): the event is dead-lettered at once.
 */
export class PermanentEventError extends Error {}

/** Where events that keep failing go: `<topic>.dlq`, with the group and error in headers. */
export const deadLetterTopic = (topic: string) => `${topic}.dlq`;

/**
 * Consumes Rekey events with at-least-once delivery: parses the envelope, skips events this group
 * already handled (by `ce_id`, in a {@link ProcessedEvents} store), retries a failing handler with
 * exponential back-off, then dead-letters the event so the partition moves on. Offsets are
 * committed by kafkajs only for messages whose `eachMessage` returned, i.e. after the handler
 * succeeded or the event was dead-lettered.
 */
@Injectable()
export class EventSubscriber implements BeforeApplicationShutdown {
  private readonly logger = new Logger(EventSubscriber.name);
  private readonly subscriptions = new Set<Subscription>();
  private deadLetters?: Producer;
  private shuttingDown = false;

  private readonly lag?: Gauge<'topic' | 'partition' | 'group'>;

  /** Without a registry (a script), no metrics. */
  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PROCESSED_EVENTS) private readonly processed: ProcessedEvents,
    @Optional() @Inject(METRICS_REGISTRY) registry?: Registry,
  ) {
    if (registry) {
      this.lag = new Gauge({
        name: 'rekey_consumer_lag_messages',
        help: 'Messages of a partition not yet handled by a subscription, as of its last batch',
        labelNames: ['topic', 'partition', 'group'],
        registers: [registry],
      });
    }
  }

  /** Lag per partition after each batch; labelled by the configured group, which is bounded (broadcast suffixes are not). */
  private measureLag(consumer: Consumer, group: string): void {
    const lag = this.lag;
    if (!lag) return;
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => lag.set({ topic: payload.topic, partition: String(payload.partition), group }, Number(payload.offsetLag)));
  }

  async subscribe(options: SubscriptionOptions): Promise<Subscription> {
    const groupId = options.broadcast ? `${options.groupId}.${hostname()}.${randomUUID().slice(0, 8)}` : options.groupId;
    const consumer = this.kafka.consumer({ groupId });
    this.measureLag(consumer, options.groupId);
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    try {
      await consumer.connect();
      await subscribePatiently(consumer, options.topics, options.fromBeginning ?? false);
      await consumer.run({
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachMessage: async ({ topic, partition, message, heartbeat }) => {
          await this.process(options, groupId, topic, partition, message, heartbeat);
        },
      });
    } catch (error) {
      // A half-made consumer would otherwise keep its connections (and retries) alive.
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    const subscription = {
      joined,
      stop: async () => {
        this.subscriptions.delete(subscription);
        await consumer.disconnect();
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  /**
   * {@link subscribe} without holding up start-up: retries every 2 s while Kafka or the topic is
   * away (e.g. another app's topic not created yet); `onSubscribed` runs once it has joined its group.
   */
  subscribeInBackground(options: SubscriptionOptions, onSubscribed: () => void = () => undefined): void {
    void (async () => {
      for (let attempt = 1; !this.shuttingDown; attempt += 1) {
        try {
          const subscription = await this.subscribe(options);
          await subscription.joined;
          onSubscribed();
          return;
        } catch (error) {
          if (attempt === 1) this.logger.warn(`cannot subscribe ${options.groupId} to ${options.topics.join(', ')} yet, retrying: ${(error as Error).message}`);
          await sleep(2_000);
        }
      }
    })();
  }

  /** Before the database connections close (onApplicationShutdown), so that no handler runs without them. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.deadLetters?.disconnect();
  }

  private async process(
    options: SubscriptionOptions,
    groupId: string,
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    let event: ReceivedEvent;
    try {
      event = fromKafkaMessage(topic, partition, message);
    } catch (error) {
      if (!(error instanceof MalformedEventError)) throw error;
      return this.deadLetter(topic, groupId, message, error, 0);
    }
    // Keyed by the effective group: broadcast replicas share a database but must each handle every event.
    if (!options.idempotent && (await this.processed.has(groupId, event.id))) return;
    const maxAttempts = options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await options.handle(event);
        if (!options.idempotent) await this.processed.add(groupId, event.id);
        return;
      } catch (error) {
        if (attempt >= maxAttempts || error instanceof PermanentEventError) return this.deadLetter(topic, groupId, message, error as Error, attempt);
        await sleep(100 * 2 ** (attempt - 1));
        await heartbeat();
      }
    }
  }

  private async deadLetter(topic: string, groupId: string, message: KafkaMessage, error: Error, attempts: number): Promise<void> {
    this.logger.warn(`dead-lettering an event of ${topic} for ${groupId} after ${attempts} attempts: ${error.message}`);
    if (!this.deadLetters) {
      this.deadLetters = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await this.deadLetters.connect();
    }
    await this.deadLetters.send({
      topic: deadLetterTopic(topic),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: { ...message.headers, rekey_dlq_group: groupId, rekey_dlq_error: error.message.slice(0, 500), rekey_dlq_attempts: String(attempts) },
        },
      ],
    });
  }
}
