import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Admin, Kafka } from 'kafkajs';
import { withDeadline } from '../deadline';
import { KAFKA } from '../kafka/kafka.client';

const CHECK_TIMEOUT_MS = 1500;

/** Ready when a broker answers a cluster description within the check timeout. */
@Injectable()
export class KafkaHealthIndicator implements OnApplicationShutdown {
  // A dedicated admin with no retries: a health probe must answer fast, not wait out back-offs.
  private readonly admin: Admin;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    private readonly indicator: HealthIndicatorService,
  ) {
    this.admin = kafka.admin({ retry: { retries: 0 } });
  }

  async isReachable(key = 'kafka') {
    const check = this.indicator.check(key);
    try {
      const cluster = await withDeadline(this.describeCluster(), CHECK_TIMEOUT_MS);
      return check.up({ brokers: cluster.brokers.length });
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }

  private async describeCluster() {
    await this.admin.connect();
    return this.admin.describeCluster();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin.disconnect();
  }
}
