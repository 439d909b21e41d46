import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EventSubscriber } from '@rekey/events';
import { KAFKA, REKEY_CONFIG, RekeyConfig } from '@rekey/platform';
import { Kafka } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeliveriesService } from './deliveries.service';

/** Injection token of the topic delivery requests are read from (BOT_DELIVERIES_TOPIC, or a test's own). */
export const DELIVERIES_TOPIC = Symbol('DELIVERIES_TOPIC');

/**
 * Reads `rekey.bots.deliveries.v1` with the subscriber toolkit (de-duplication on `ce_id`, bounded
 * retries, dead-letter topic) into DeliveriesService. One group for all replicas: each request is
 * queued once. Starts in the background, so the app comes up while Kafka is away.
 */
@Injectable()
export class DeliveryRequestsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryRequestsConsumer.name);
  private stopped = false;

  constructor(
    private readonly subscriber: EventSubscriber,
    private readonly deliveries: DeliveriesService,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(REKEY_CONFIG) private readonly config: RekeyConfig,
    @Inject(DELIVERIES_TOPIC) private readonly topic: string,
  ) {}

  onApplicationBootstrap(): void {
    void this.start();
  }

  /** A start still retrying gives up (the subscriber toolkit stops subscriptions already made). */
  beforeApplicationShutdown(): void {
    this.stopped = true;
  }

  private async start(): Promise<void> {
    for (let delayMs = 500; !this.stopped; delayMs = Math.min(delayMs * 2, 5_000)) {
      try {
        await this.ensureTopic();
        // Requests made before the first replica ever ran are delivered too.
        const subscription = await this.subscriber.subscribe({ groupId: `rekey-bots.${this.topic}`, topics: [this.topic], fromBeginning: true, handle: (event) => this.deliveries.accept(event) });
        if (this.stopped) await subscription.stop();
        return;
      } catch (error) {
        this.logger.warn(`cannot read ${this.topic} yet: ${(error as Error).message}`);
        await sleep(delayMs);
      }
    }
  }

  private async ensureTopic(): Promise<void> {
    const admin = this.kafka.admin({ retry: { retries: 2 } });
    try {
      await admin.connect();
      // Creating a topic that exists makes kafkajs log an error: look first.
      if ((await admin.listTopics()).includes(this.topic)) return;
      await admin.createTopics({ topics: [{ topic: this.topic, numPartitions: this.config.topicPartitions }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
  }
}
