import { Inject, Injectable } from '@nestjs/common';
import { PaginationTokens, ServiceError } from '@rekey/aws-protocol';
import {
  CreateRoomRequest,
  DEFAULT_MAX_ROOM_RESULTS,
  ListRoomsRequest,
  MessageReviewHandlerDto,
  ROOM_DEFAULTS,
  RoomSummaryView,
  RoomView,
  TAG_LIMITS,
  UpdateRoomRequest,
} from '@rekey/contracts';
import { OutboxRelay } from '@rekey/events';
import { REKEY_CONFIG, RekeyConfig } from '@rekey/platform';
import { newIvschatId } from '@rekey/tokens';
import { RevocationsRepository } from '../revocations/revocations.repository';
import { roomArn, roomNotFound } from './room-arn';
import { RoomCache } from './room-cache';
import { RoomRecord, roomSummary, roomView } from './room.view';
import { roomEvent } from './rooms.events';
import { RoomCursor, RoomsRepository } from './rooms.repository';

/** Compare-and-set attempts before a change under heavy contention gives up. */
const MAX_ATTEMPTS = 5;

/** A handler with an empty `uri` means "no handler" (UpdateRoom disassociates one this way). */
function reviewHandler(input: MessageReviewHandlerDto | undefined): RoomRecord['messageReviewHandler'] {
  return input?.uri ? { uri: input.uri, fallbackResult: input.fallbackResult ?? ROOM_DEFAULTS.fallbackResult } : undefined;
}

/** Rooms and their tags: every change is one write carrying its event; the cache learns it at once. */
@Injectable()
export class RoomsService {
  constructor(
    private readonly rooms: RoomsRepository,
    private readonly revocations: RevocationsRepository,
    private readonly cache: RoomCache,
    private readonly relay: OutboxRelay,
    private readonly pagination: PaginationTokens,
    @Inject(REKEY_CONFIG) private readonly config: RekeyConfig,
  ) {}

  async create(tenant: string, input: CreateRoomRequest): Promise<RoomView> {
    const id = newIvschatId();
    const now = new Date();
    const room: RoomRecord = {
      arn: roomArn(this.config.awsRegion, tenant, id),
      tenant,
      id,
      name: input.name ?? '',
      maximumMessageRatePerSecond: input.maximumMessageRatePerSecond ?? ROOM_DEFAULTS.maximumMessageRatePerSecond,
      maximumMessageLength: input.maximumMessageLength ?? ROOM_DEFAULTS.maximumMessageLength,
      messageReviewHandler: reviewHandler(input.messageReviewHandler),
      tags: input.tags ?? {},
      loggingConfigurationIdentifiers: input.loggingConfigurationIdentifiers ?? [],
      createTime: now,
      updateTime: now,
      revision: 1,
    };
    const event = roomEvent('RoomCreated', room);
    await this.rooms.create(room, event);
    this.cache.apply(event);
    this.relay.wake();
    return roomView(room);
  }

  async get(tenant: string, arn: string): Promise<RoomView> {
    return roomView(await this.require(tenant, arn));
  }

  async list(tenant: string, input: ListRoomsRequest): Promise<{ rooms: RoomSummaryView[]; nextToken?: string }> {
    const filter = { name: input.name, messageReviewHandlerUri: input.messageReviewHandlerUri, loggingConfigurationIdentifier: input.loggingConfigurationIdentifier };
    // The token is bound to the filters too: a token of another listing is refused.
    const scope = `ListRooms:${JSON.stringify([filter.name, filter.messageReviewHandlerUri, filter.loggingConfigurationIdentifier])}`;
    const after = input.nextToken ? this.pagination.read<{ u: number; i: string }>(input.nextToken, tenant, scope) : undefined;
    const cursor: RoomCursor | undefined = after ? { updateTime: after.u, id: after.i } : undefined;
    const limit = input.maxResults ?? DEFAULT_MAX_ROOM_RESULTS;
    const page = await this.rooms.list(tenant, filter, cursor, limit + 1);
    const rooms = page.slice(0, limit);
    const last = rooms.at(-1);
    const nextToken = page.length > limit && last ? this.pagination.issue(tenant, scope, { u: last.updateTime.getTime(), i: last.id }) : undefined;
    return { rooms: rooms.map(roomSummary), ...(nextToken ? { nextToken } : {}) };
  }

  async update(tenant: string, input: UpdateRoomRequest): Promise<RoomView> {
    const updated = await this.change(tenant, input.identifier, (room) => ({
      ...room,
      name: input.name ?? room.name,
      maximumMessageRatePerSecond: input.maximumMessageRatePerSecond ?? room.maximumMessageRatePerSecond,
      maximumMessageLength: input.maximumMessageLength ?? room.maximumMessageLength,
      messageReviewHandler: input.messageReviewHandler ? reviewHandler(input.messageReviewHandler) : room.messageReviewHandler,
      loggingConfigurationIdentifiers: input.loggingConfigurationIdentifiers ?? room.loggingConfigurationIdentifiers,
      updateTime: new Date(),
    }));
    return roomView(updated);
  }

  /**
   * Revokes the room's tokens first, then deletes it with its event. A failure between the two
   * can only leave a live room whose earlier tokens are dead (the caller saw an error and
   * retries), never a deleted room whose tokens still connect.
   */
  async delete(tenant: string, arn: string): Promise<void> {
    await this.compareAndSet(tenant, arn, async (room) => {
      await this.revocations.revokeRoom(tenant, arn, new Date());
      const event = roomEvent('RoomDeleted', room);
      if (!(await this.rooms.markDeleted(room, event))) return undefined;
      this.cache.apply(event);
      return room;
    });
  }

  async tag(tenant: string, arn: string, tags: Record<string, string>): Promise<void> {
    await this.change(tenant, arn, (room) => {
      const merged = { ...room.tags, ...tags };
      if (Object.keys(merged).length > TAG_LIMITS.maxEntries) {
        throw new ServiceError('Validation', `A resource can have at most ${TAG_LIMITS.maxEntries} tags`, {
          fieldList: [{ name: 'tags', message: `would exceed ${TAG_LIMITS.maxEntries} tags on the resource` }],
        });
      }
      return { ...room, tags: merged };
    });
  }

  async untag(tenant: string, arn: string, tagKeys: string[]): Promise<void> {
    await this.change(tenant, arn, (room) => ({ ...room, tags: Object.fromEntries(Object.entries(room.tags).filter(([key]) => !tagKeys.includes(key))) }));
  }

  async listTags(tenant: string, arn: string): Promise<Record<string, string>> {
    return (await this.require(tenant, arn)).tags;
  }

  private async require(tenant: string, arn: string): Promise<RoomRecord> {
    const room = await this.rooms.find(tenant, arn);
    if (!room) throw roomNotFound(arn);
    return room;
  }

  /** Read, modify, compare-and-set with the RoomUpdated event. */
  private change(tenant: string, arn: string, modify: (room: RoomRecord) => RoomRecord): Promise<RoomRecord> {
    return this.compareAndSet(tenant, arn, async (room) => {
      const next = { ...modify(room), revision: room.revision + 1 };
      const event = roomEvent('RoomUpdated', next);
      if (!(await this.rooms.replace(next, event))) return undefined;
      this.cache.apply(event);
      return next;
    });
  }

  /** Runs `write` on the current room until it succeeds (undefined: another change got there first). */
  private async compareAndSet(tenant: string, arn: string, write: (room: RoomRecord) => Promise<RoomRecord | undefined>): Promise<RoomRecord> {
    for (let attempt = 1; ; attempt += 1) {
      const room = await this.require(tenant, arn);
      const written = await write(room);
      if (written) {
        this.relay.wake();
        return written;
      }
      if (attempt >= MAX_ATTEMPTS) throw new ServiceError('Conflict', `Room ${arn} is being changed concurrently`, { resourceId: room.id, resourceType: 'ROOM' });
    }
  }
}
