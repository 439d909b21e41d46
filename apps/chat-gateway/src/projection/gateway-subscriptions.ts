import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { HealthIndicatorService } from '@nestjs/terminus';
import { TOPICS } from '@rekey/contracts';
import { EventSubscriber, MemoryProcessedEvents, Subscription } from '@rekey/events';
import { ReadinessChecks } from '@rekey/platform';
import type { Connection } from 'mongoose';
import { setTimeout as sleep } from 'node:timers/promises';
import { RoomDelivery } from '../sessions/room-delivery.service';
import { RoomProjection } from './room-projection.service';

/** Readiness requires the durable room projection to be at most this many events behind. */
export const MAX_PROJECTION_LAG = 1_000;
const RELOAD_MS = 30_000;
const SUBSCRIBE_RETRY_MS = 2_000;

/**
 * The gateway's consumers (until the NestJS consumer transport replaces them with @EventPattern
 * handlers; the logic they call stays where it is):
 * - `chat-gateway.rooms.<database>`: one group per gateway database (the projection it fills),
 *   from the beginning of `rekey.chat.v1`: the durable room projection;
 * - `chat-gateway.live` (broadcast, every replica, from now on): `rekey.chat.v1` and
 *   `rekey.chat.messages.v1` applied to the in-memory view and to this replica's connections.
 * Both handlers are idempotent: `ce_id`s are de-duplicated in memory, no write per event.
 */
@Injectable()
export class GatewaySubscriptions implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(GatewaySubscriptions.name);
  private durable?: Subscription;
  private live?: Subscription;
  private loaded = false;
  private stopped = false;
  private reloading?: NodeJS.Timeout;

  constructor(
    private readonly subscriber: EventSubscriber,
    private readonly projection: RoomProjection,
    private readonly delivery: RoomDelivery,
    private readonly readiness: ReadinessChecks,
    @Inject(HealthIndicatorService) private readonly indicator: HealthIndicatorService,
    @InjectConnection() private readonly connection: Connection,
  ) {}

  onApplicationBootstrap(): void {
    this.readiness.add(async () => this.check());
    void this.followUntilStopped();
    this.reloading = setInterval(() => void this.projection.load().catch((error: Error) => this.projection.warnLoadFailure(error)), RELOAD_MS);
    this.reloading.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.reloading);
  }

  /** Ready once this replica sees new events and the durable projection is nearly caught up. */
  private check() {
    const check = this.indicator.check('projection');
    const lag = this.durable?.lag() ?? Number.POSITIVE_INFINITY;
    const details = { loaded: this.loaded, live: this.live?.isFetching() ?? false, lag };
    return this.loaded && details.live && lag <= MAX_PROJECTION_LAG ? check.up(details) : check.down(details);
  }

  private async followUntilStopped(): Promise<void> {
    while (!this.stopped) {
      try {
        this.live ??= await this.subscriber.subscribe({
          groupId: 'chat-gateway.live',
          topics: [TOPICS.chat, TOPICS['chat-gateway']],
          broadcast: true,
          processed: new MemoryProcessedEvents(),
          handle: async (event) => {
            this.projection.apply(event);
            this.delivery.handle(event);
          },
        });
        this.durable ??= await this.subscriber.subscribe({
          groupId: `chat-gateway.rooms.${this.connection.db?.databaseName}`,
          topics: [TOPICS.chat],
          fromBeginning: true,
          processed: new MemoryProcessedEvents(),
          handle: (event) => this.projection.persist(event),
        });
        // Shut down while subscribing: the subscriber's own shutdown has already run.
        if (this.stopped) return void (await Promise.all([this.live.stop(), this.durable.stop()]));
        await this.projection.load();
        this.loaded = true;
        return;
      } catch (error) {
        this.logger.warn(`cannot follow the chat topics yet: ${(error as Error).message}`);
        await sleep(SUBSCRIBE_RETRY_MS);
      }
    }
  }
}
