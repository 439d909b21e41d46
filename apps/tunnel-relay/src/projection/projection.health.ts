import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TOPICS } from '@rekey/contracts';
import { KafkaEventTransport } from '@rekey/events';
import { KAFKA, ReadinessChecks, withDeadline } from '@rekey/platform';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { Admin, Kafka } from 'kafkajs';
import { PROJECTION, REVOCATIONS } from './tunnels-feed.controller';

/** Events of rekey.tunnels.v1 the projection may be behind and still serve tokens. */
export const MAX_PROJECTION_LAG = 100;
const CHECK_TIMEOUT_MS = 1_500;

/** Readiness of the projection: both its groups joined, and the durable one close to the topic's end. */
@Injectable()
export class ProjectionHealth implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly admin: Admin;
  private joined = false;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    private readonly transport: KafkaEventTransport,
    private readonly readiness: ReadinessChecks,
  ) {
    this.admin = kafka.admin({ retry: { retries: 0 } });
  }

  onApplicationBootstrap(): void {
    this.readiness.add(() => this.check());
    void Promise.all([this.transport.joined(PROJECTION.group), this.transport.joined(REVOCATIONS.group)]).then(() => (this.joined = true));
  }

  async check(): Promise<HealthIndicatorResult> {
    if (!this.joined) return { projection: { status: 'down', message: 'not subscribed to the tunnels topic yet' } };
    try {
      const lag = await withDeadline(this.lag(), CHECK_TIMEOUT_MS);
      return { projection: { status: lag <= MAX_PROJECTION_LAG ? 'up' : 'down', lag } };
    } catch (error) {
      return { projection: { status: 'down', message: (error as Error).message } };
    }
  }

  /** Events of the topic the durable group has not committed yet, over all partitions. */
  private async lag(): Promise<number> {
    await this.admin.connect();
    const [ends, [committed]] = await Promise.all([this.admin.fetchTopicOffsets(TOPICS.tunnels), this.admin.fetchOffsets({ groupId: PROJECTION.group, topics: [TOPICS.tunnels] })]);
    const at = new Map(committed.partitions.map((p) => [p.partition, Number(p.offset)]));
    return ends.reduce((sum, end) => {
      const offset = at.get(end.partition) ?? -1;
      return sum + Math.max(0, Number(end.high) - (offset < 0 ? Number(end.low) : offset));
    }, 0);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin.disconnect();
  }
}
