import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { AppName, TOPICS } from '@rekey/contracts';
import { CONSUMER_TRANSPORT, KAFKA, METRICS_REGISTRY, REKEY_CONFIG, RekeyConfig } from '@rekey/platform';
import { getConnectionToken } from '@nestjs/mongoose';
import { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import { Registry } from 'prom-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventProducer } from './event-producer';
import { EventPublisher } from './event-publisher';
import { KafkaEventTransport } from './event-transport';
import { EVENTS_TOPIC } from './events.tokens';
import { EventfulCollections } from './eventful-collection';
import { OutboxFastPath } from './outbox-fast-path';
import { OutboxRelay } from './outbox-relay';
import { MongoProcessedEvents, PROCESSED_EVENTS, ProcessedEventsExpiry } from './processed-events';

/** Creates the app's topic at start-up (idempotent), retrying in the background while Kafka is away. */
@Injectable()
class TopicInitializer implements OnApplicationBootstrap {
  private readonly logger = new Logger(TopicInitializer.name);

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(EVENTS_TOPIC) private readonly topic: string,
    @Inject(REKEY_CONFIG) private readonly config: RekeyConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The first attempt is awaited so that subscribers can subscribe as soon as the app is up.
    if (!(await this.ensureTopic())) void this.retryInBackground();
  }

  private async retryInBackground(): Promise<void> {
    while (!(await this.ensureTopic())) await sleep(5_000);
  }

  private async ensureTopic(): Promise<boolean> {
    const admin = this.kafka.admin({ retry: { retries: 2 } });
    try {
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: this.topic, numPartitions: this.config.topicPartitions }], waitForLeaders: true });
      return true;
    } catch (error) {
      this.logger.warn(`cannot create topic ${this.topic} yet: ${(error as Error).message}`);
      return false;
    } finally {
      await admin.disconnect();
    }
  }
}

/** Global: the app's topic, outbox relay and fast path, publisher, and the consumer transport its bootstrap connects. */
@Global()
@Module({})
export class EventsModule {
  /**
   * `topic` overrides TOPICS[app], in publishing and consuming, for tests that need a topic of their
   * own; `consumedTopics` likewise overrides other topics the app consumes (catalog topic → topic).
   */
  static forRoot(options: { app: AppName; topic?: string; consumedTopics?: Record<string, string> }): DynamicModule {
    const topicOverrides = { ...(options.topic ? { [TOPICS[options.app]]: options.topic } : {}), ...options.consumedTopics };
    return {
      module: EventsModule,
      providers: [
        { provide: EVENTS_TOPIC, useValue: options.topic ?? TOPICS[options.app] },
        EventProducer,
        OutboxRelay,
        OutboxFastPath,
        EventfulCollections,
        EventPublisher,
        TopicInitializer,
        { provide: PROCESSED_EVENTS, inject: [getConnectionToken()], useFactory: (connection: Connection) => new MongoProcessedEvents(connection) },
        ProcessedEventsExpiry,
        {
          provide: KafkaEventTransport,
          inject: [KAFKA, PROCESSED_EVENTS, METRICS_REGISTRY],
          useFactory: (kafka: Kafka, processed: MongoProcessedEvents, registry: Registry) => new KafkaEventTransport(kafka, processed, { registry, topicOverrides }),
        },
        { provide: CONSUMER_TRANSPORT, useExisting: KafkaEventTransport },
      ],
      exports: [OutboxRelay, OutboxFastPath, EventfulCollections, EventPublisher, KafkaEventTransport, CONSUMER_TRANSPORT, EVENTS_TOPIC],
    };
  }
}
