import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EVENTS_TOPIC, EventSubscriber, ReceivedEvent, Subscription } from '@rekey/events';
import { RoomEventData } from '@rekey/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOM_EVENT_TYPES } from './rooms.events';
import { RoomsRepository } from './rooms.repository';

/** How often the cache is synced with MongoDB, for deletions whose events it missed (Kafka away). */
const SYNC_MS = 30_000;
/** Delay between attempts to subscribe while Kafka is away at start-up. */
const SUBSCRIBE_RETRY_MS = 5_000;

/** Injection token of the room cache's own subscriber (in-memory de-duplication, see RoomsModule). */
export const ROOM_CACHE_SUBSCRIBER = Symbol('ROOM_CACHE_SUBSCRIBER');

/**
 * Which rooms exist, by ARN, with their tenant. Deletion is final (room ids are never reused), so
 * deleted ARNs are remembered: a load or a late creation event that raced with the deletion can
 * never bring a deleted room back.
 */
export class RoomDirectory {
  private readonly tenants = new Map<string, string>();
  private readonly deleted = new Set<string>();

  put(arn: string, tenant: string): void {
    if (!this.deleted.has(arn)) this.tenants.set(arn, tenant);
  }

  remove(arn: string): void {
    this.deleted.add(arn);
    this.tenants.delete(arn);
  }

  /** The ARNs of the live rooms it knows. */
  known(): string[] {
    return [...this.tenants.keys()];
  }

  /** true / false when known (another tenant's room counts as absent), undefined when not known. */
  lookup(tenant: string, arn: string): boolean | undefined {
    if (this.deleted.has(arn)) return false;
    const owner = this.tenants.get(arn);
    return owner === undefined ? undefined : owner === tenant;
  }
}

/**
 * Room existence for the token hot path, without a MongoDB write and normally without a read:
 * loaded from MongoDB at start, then kept fresh by every replica from the room events on
 * `rekey.chat.v1` (broadcast subscription), and by the replica that made a change at once. A room
 * the cache does not know (created on another replica a moment ago) is looked up in MongoDB, and
 * remembered when found. Until the subscription is up (Kafka away at start-up) every lookup goes
 * to MongoDB. A periodic sync with MongoDB drops rooms whose deletion event was missed.
 */
@Injectable()
export class RoomCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RoomCache.name);
  private readonly directory = new RoomDirectory();
  private subscription?: Subscription;
  private following = false;
  private stopped = false;
  private syncing?: NodeJS.Timeout;

  constructor(
    private readonly rooms: RoomsRepository,
    @Inject(ROOM_CACHE_SUBSCRIBER) private readonly subscriber: EventSubscriber,
    @Inject(EVENTS_TOPIC) private readonly topic: string,
  ) {}

  onApplicationBootstrap(): void {
    // In the background: the replica serves (from MongoDB) while Kafka is away at start-up.
    void this.followUntilStopped();
    this.syncing = setInterval(() => void this.sync().catch((error: Error) => this.logger.warn(`room cache check failed: ${error.message}`)), SYNC_MS);
    this.syncing.unref();
  }

  /** Whether the cache follows room events; until then every lookup reads MongoDB. */
  get isFollowing(): boolean {
    return this.following;
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.syncing);
  }

  /** Applies a room event (from Kafka, or from this replica's own write). Other events are ignored. */
  apply(event: Pick<ReceivedEvent, 'type' | 'tenant' | 'data'>): void {
    const upsert = ROOM_EVENT_TYPES.upserts.has(event.type);
    if (!upsert && !ROOM_EVENT_TYPES.deletes.has(event.type)) return;
    const { arn } = (event.data ?? {}) as Partial<RoomEventData>;
    // Thrown: the subscriber retries, then dead-letters it.
    if (typeof arn !== 'string') throw new Error(`${event.type} without a room ARN`);
    if (upsert) this.directory.put(arn, event.tenant);
    else this.directory.remove(arn);
  }

  /** Whether `arn` is a live room of `tenant`. */
  async exists(tenant: string, arn: string): Promise<boolean> {
    const known = this.following ? this.directory.lookup(tenant, arn) : undefined;
    if (known !== undefined) return known;
    const room = await this.rooms.find(tenant, arn);
    if (room) this.directory.put(arn, tenant);
    return room !== null;
  }

  /** Subscribes, then syncs: a change written after the sync began arrives as an event. */
  private async followUntilStopped(): Promise<void> {
    while (!this.stopped) {
      try {
        this.subscription ??= await this.subscriber.subscribe({ groupId: 'rekey-chat-room-cache', topics: [this.topic], broadcast: true, handle: async (event) => this.apply(event) });
        // Shut down while subscribing: the subscriber's own shutdown has already run.
        if (this.stopped) return await this.subscription.stop();
        await this.sync();
        this.following = true;
        return;
      } catch (error) {
        this.logger.warn(`room cache cannot follow room events yet, reading rooms from MongoDB meanwhile: ${(error as Error).message}`);
        await sleep(SUBSCRIBE_RETRY_MS);
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
    for (const { arn, tenant } of live) this.directory.put(arn, tenant);
    const liveArns = new Set(live.map((room) => room.arn));
    for (const arn of before) if (!liveArns.has(arn)) this.directory.remove(arn);
  }
}
