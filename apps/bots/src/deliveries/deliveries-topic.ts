import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { KAFKA, REKEY_CONFIG, RekeyConfig } from '@rekey/platform';
import { Kafka } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Injection token of the topic delivery requests are read from (BOT_DELIVERIES_TOPIC, or a test's own). */
export const DELIVERIES_TOPIC = Symbol('DELIVERIES_TOPIC');

/**
 * Creates the deliveries topic when it is missing (the bots app is its only consumer, and its
 * consumer group cannot join a topic that does not exist), retrying in the background while Kafka is away.
 */
@Injectable()
export class DeliveriesTopic implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeliveriesTopic.name);

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(REKEY_CONFIG) private readonly config: RekeyConfig,
    @Inject(DELIVERIES_TOPIC) private readonly topic: string,
  ) {}

  onApplicationBootstrap(): void {
    void this.ensure();
  }

  private async ensure(): Promise<void> {
    for (let delayMs = 500; ; delayMs = Math.min(delayMs * 2, 5_000)) {
      const admin = this.kafka.admin({ retry: { retries: 2 } });
      try {
        await admin.connect();
        // Creating a topic that exists makes kafkajs log an error: look first.
        if (!(await admin.listTopics()).includes(this.topic)) {
          await admin.createTopics({ topics: [{ topic: this.topic, numPartitions: this.config.topicPartitions }], waitForLeaders: true });
        }
        return;
      } catch (error) {
        this.logger.warn(`cannot create topic ${this.topic} yet: ${(error as Error).message}`);
        await sleep(delayMs);
      } finally {
        await admin.disconnect();
      }
    }
  }
}
