import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EVENTS_TOPIC, EventSubscriber, ReceivedEvent } from '@rekey/events';
import { RoomEventData } from '@rekey/contracts';
import { ROOM_EVENT_TYPES } from './rooms.events';
import { RoomsRepository } from './rooms.repository';

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
 * the cache does not know (created on another replica a moment ago, or before this replica
 * subscribed) is looked up in MongoDB, and remembered when found.
 */
@Injectable()
export class RoomCache implements OnApplicationBootstrap {
  private readonly logger = new Logger(RoomCache.name);
  private readonly directory = new RoomDirectory();

  constructor(
    private readonly rooms: RoomsRepository,
    @Inject(ROOM_CACHE_SUBSCRIBER) private readonly subscriber: EventSubscriber,
    @Inject(EVENTS_TOPIC) private readonly topic: string,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Subscribe first, then load: a change written after the load began arrives as an event.
    await this.subscriber.subscribe({ groupId: 'rekey-chat-room-cache', topics: [this.topic], broadcast: true, handle: async (event) => this.apply(event) });
    for (const { arn, tenant } of await this.rooms.allLive()) this.directory.put(arn, tenant);
    this.logger.log('room cache loaded and following room events');
  }

  /** Applies a room event (from Kafka, or from this replica's own write). Other events are ignored. */
  apply(event: Pick<ReceivedEvent, 'type' | 'tenant' | 'data'>): void {
    const { arn } = event.data as RoomEventData;
    if (ROOM_EVENT_TYPES.upserts.has(event.type)) this.directory.put(arn, event.tenant);
    if (ROOM_EVENT_TYPES.deletes.has(event.type)) this.directory.remove(arn);
  }

  /** Whether `arn` is a live room of `tenant`. */
  async exists(tenant: string, arn: string): Promise<boolean> {
    const known = this.directory.lookup(tenant, arn);
    if (known !== undefined) return known;
    const room = await this.rooms.find(tenant, arn);
    if (room) this.directory.put(arn, tenant);
    return room !== null && this.directory.lookup(tenant, arn) === true;
  }
}
