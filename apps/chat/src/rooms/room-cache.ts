import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { RoomDirectory } from '@rekey/chat-rooms';
import { EventSubscription, KafkaEventTransport, RekeyEvent } from '@rekey/events';
import { EVENT_TYPES, RoomEventData } from '@rekey/contracts';
import { PeriodicTask } from '@rekey/platform';
import { setTimeout as sleep } from 'node:timers/promises';
import { RoomsRepository } from './rooms.repository';

/** How often the cache is synced with MongoDB, for deletions whose events it missed (Kafka away). */
const SYNC_MS = 30_000;
/** Delay between attempts of the first sync while MongoDB is away. */
const SYNC_RETRY_MS = 5_000;

/** The room events every replica follows (see RoomEventsController). */
export const ROOM_CACHE_SUBSCRIPTION = { group: 'rekey-chat-room-cache', broadcast: true } satisfies EventSubscription;

/**
 * Room existence for the token hot path, without a MongoDB write and normally without a read:
 * loaded from MongoDB at start, then kept fresh by every replica from the room events on
 * `rekey.chat.v1` (broadcast subscription, RoomEventsController), and by the replica that made a
 * change at once. A room the cache does not know (created on another replica a moment ago) is
 * looked up in MongoDB, and remembered when found. Until the subscription is up (Kafka away at
 * start-up) every lookup goes to MongoDB. A periodic sync with MongoDB drops rooms whose deletion
 * event was missed.
 */
@Injectable()
export class RoomCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RoomCache.name);
  private readonly directory = new RoomDirectory();
  private following = false;
  private stopped = false;
  private readonly syncing = new PeriodicTask(this.logger, 'room cache check', () => this.sync());

  constructor(
    private readonly rooms: RoomsRepository,
    private readonly transport: KafkaEventTransport,
  ) {}

  onApplicationBootstrap(): void {
    // In the background: the replica serves (from MongoDB) while Kafka is away at start-up.
    void this.followOnceJoined();
    this.syncing.start(SYNC_MS);
  }

  /** Whether the cache follows room events; until then every lookup reads MongoDB. */
  get isFollowing(): boolean {
    return this.following;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.syncing.stop();
  }

  /** A room created or changed (RoomCreated, RoomUpdated). */
  remember(room: Pick<RoomEventData, 'arn' | 'tenant'>): void {
    this.directory.put({ arn: room.arn, tenant: room.tenant });
  }

  /** A room deleted (RoomDeleted): it never comes back. */
  forget(room: Pick<RoomEventData, 'arn'>): void {
    this.directory.remove(room.arn);
  }

  /** Applies a room event of this replica's own write. */
  apply(event: RekeyEvent<RoomEventData>): void {
    if (event.type === EVENT_TYPES.chat.RoomDeleted) this.forget(event.data);
    else this.remember(event.data);
  }

  /** Whether `arn` is a live room of `tenant`. */
  async exists(tenant: string, arn: string): Promise<boolean> {
    const known = this.following ? this.directory.lookup(tenant, arn) : undefined;
    if (known !== undefined) return known;
    const room = await this.rooms.find(tenant, arn);
    if (room) this.directory.put({ arn, tenant });
    return room !== null;
  }

  /** Once subscribed, syncs: a change written after the sync began arrives as an event. */
  private async followOnceJoined(): Promise<void> {
    await this.transport.joined(ROOM_CACHE_SUBSCRIPTION.group);
    while (!this.stopped) {
      try {
        await this.sync();
        this.following = true;
        return;
      } catch (error) {
        this.logger.warn(`room cache cannot load the rooms yet, reading them from MongoDB meanwhile: ${(error as Error).message}`);
        await sleep(SYNC_RETRY_MS);
      }
    }
  }

  /**
   * Makes the cache agree with MongoDB: live rooms are added; rooms known before the read and
   * absent from it were deleted (rooms leave MongoDB only that way), e.g. while Kafka was away.
   */
  private async sync(): Promise<void> {
    const before = this.directory.known();
    const live = await this.rooms.allLive();
    for (const { arn, tenant } of live) this.directory.put({ arn, tenant });
    const liveArns = new Set(live.map((room) => room.arn));
    for (const arn of before) if (!liveArns.has(arn)) this.directory.remove(arn);
  }
}
