import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { AppName, TOPICS } from '@rekey/contracts';
import { KAFKA, REKEY_CONFIG, RekeyConfig } from '@rekey/platform';
import { getConnectionToken } from '@nestjs/mongoose';
import { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventProducer } from './event-producer';
import { EventPublisher } from './event-publisher';
import { EventSubscriber } from './event-subscriber';
import { EVENTS_TOPIC } from './events.tokens';
import { OutboxFastPath } from './outbox-fast-path';
import { OutboxRelay } from './outbox-relay';
import { MongoProcessedEvents, PROCESSED_EVENTS } from './processed-events';

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

/** Global: the app's topic, outbox relay and fast path, publisher and subscriber toolkit. */
@Global()
@Module({})
export class EventsModule {
  /** `topic` overrides TOPICS[app], for tests that need a topic of their own. */
  static forRoot(options: { app: AppName; topic?: string }): DynamicModule {
    return {
      module: EventsModule,
      providers: [
        { provide: EVENTS_TOPIC, useValue: options.topic ?? TOPICS[options.app] },
        EventProducer,
        OutboxRelay,
        OutboxFastPath,
        EventPublisher,
        EventSubscriber,
        TopicInitializer,
        { provide: PROCESSED_EVENTS, inject: [getConnectionToken()], useFactory: (connection: Connection) => new MongoProcessedEvents(connection) },
      ],
      exports: [OutboxRelay, OutboxFastPath, EventPublisher, EventSubscriber, EVENTS_TOPIC],
    };
  }
}
