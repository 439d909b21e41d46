import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { KafkaEventTransport } from '@rekey/events';
import { METRICS_REGISTRY, PeriodicTask, ReadinessChecks } from '@rekey/platform';
import { Gauge, Registry } from 'prom-client';
import { LIVE_SUBSCRIPTION } from './live-events.controller';
import { RoomProjection } from './room-projection.service';

/** Readiness requires the durable room projection to be at most this many events behind. */
export const MAX_PROJECTION_LAG = 1_000;
const RELOAD_MS = 30_000;

/** Injection token of the durable projection's consumer group name. */
export const ROOM_PROJECTION_GROUP = Symbol('ROOM_PROJECTION_GROUP');

/**
 * Loads the in-memory rooms once this replica follows the live events (and every 30 s, for what
 * it missed), and tells `/health/ready` whether the projection is usable: loaded, both groups
 * joined, the durable one at most {@link MAX_PROJECTION_LAG} events behind.
 */
@Injectable()
export class ProjectionReadiness implements OnApplicationBootstrap, OnApplicationShutdown {
  private loaded = false;
  private readonly joined = new Set<string>();
  private readonly reloading = new PeriodicTask(new Logger(ProjectionReadiness.name), 'room projection reload', () => this.projection.load());

  constructor(
    private readonly projection: RoomProjection,
    private readonly transport: KafkaEventTransport,
    private readonly readiness: ReadinessChecks,
    private readonly indicator: HealthIndicatorService,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(ROOM_PROJECTION_GROUP) private readonly durableGroup: string,
  ) {}

  onApplicationBootstrap(): void {
    this.readiness.add(() => this.check());
    for (const group of [LIVE_SUBSCRIPTION.group, this.durableGroup]) void this.transport.joined(group).then(() => this.joined.add(group));
    // Subscribed first, loaded then: a change written after the load began arrives as an event.
    void this.transport.joined(LIVE_SUBSCRIPTION.group).then(() => this.loadUntilDone());
    this.reloading.start(RELOAD_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reloading.stop();
  }

  private async loadUntilDone(): Promise<void> {
    while (!this.loaded) {
      try {
        await this.projection.load();
        this.loaded = true;
      } catch (error) {
        this.projection.warnLoadFailure(error as Error);
        await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
      }
    }
  }

  private async check() {
    const check = this.indicator.check('projection');
    const lag = await this.durableLag();
    const live = this.joined.has(LIVE_SUBSCRIPTION.group) && this.joined.has(this.durableGroup);
    const details = { loaded: this.loaded, live, lag };
    return this.loaded && live && lag <= MAX_PROJECTION_LAG ? check.up(details) : check.down(details);
  }

  /** The durable group's lag as the transport last measured it (0 before its first batch). */
  private async durableLag(): Promise<number> {
    const gauge = this.registry.getSingleMetric('rekey_consumer_lag_messages') as Gauge | undefined;
    const { values } = (await gauge?.get()) ?? { values: [] };
    return values.filter((sample) => sample.labels.group === this.durableGroup).reduce((sum, sample) => sum + sample.value, 0);
  }
}
