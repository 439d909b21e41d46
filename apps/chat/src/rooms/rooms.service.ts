import { Inject, Injectable } from '@nestjs/common';
import { keysetPage, PaginationTokens, readKeysetCursor, ServiceError } from '@rekey/aws-protocol';
import {
  CreateRoomRequest,
  DEFAULT_MAX_ROOM_RESULTS,
  ListRoomsRequest,
  MessageReviewHandlerDto,
  ROOM_DEFAULTS,
  RoomEventData,
  RoomSummaryView,
  RoomView,
  TAG_LIMITS,
  UpdateRoomRequest,
} from '@rekey/contracts';
import { RekeyEvent } from '@rekey/events';
import { REKEY_CONFIG, RekeyConfig } from '@rekey/platform';
import { newIvschatId } from '@rekey/tokens';
import { RevocationsRepository } from '../revocations/revocations.repository';
import { roomArn, roomNotFound } from './room-arn';
import { RoomCache } from './room-cache';
import { RoomRecord, roomSummary, roomView } from './room.view';
import { roomEvent } from './rooms.events';
import { RoomsRepository } from './rooms.repository';

const byUpdate = (room: RoomRecord) => ({ at: room.updateTime.getTime(), id: room.id });

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
    return roomView(room);
  }

  async get(tenant: string, arn: string): Promise<RoomView> {
    return roomView(await this.require(tenant, arn));
  }

  async list(tenant: string, input: ListRoomsRequest): Promise<{ rooms: RoomSummaryView[]; nextToken?: string }> {
    const filter = { name: input.name, messageReviewHandlerUri: input.messageReviewHandlerUri, loggingConfigurationIdentifier: input.loggingConfigurationIdentifier };
    // The token is bound to the filters too: a token of another listing is refused.
    const scope = `ListRooms:${JSON.stringify([filter.name, filter.messageReviewHandlerUri, filter.loggingConfigurationIdentifier])}`;
    const after = readKeysetCursor(this.pagination, input.nextToken || undefined, tenant, scope);
    const limit = input.maxResults ?? DEFAULT_MAX_ROOM_RESULTS;
    const { items, nextToken } = keysetPage(this.pagination, await this.rooms.list(tenant, filter, after, limit), limit, tenant, scope, byUpdate);
    return { rooms: items.map(roomSummary), ...(nextToken ? { nextToken } : {}) };
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
    let deleted: RekeyEvent<RoomEventData> | undefined;
    const found = await this.rooms.remove(tenant, arn, async (room) => {
      await this.revocations.revokeRoom(tenant, arn, new Date());
      return (deleted = roomEvent('RoomDeleted', room));
    });
    if (!found) throw roomNotFound(arn);
    this.cache.apply(deleted!);
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

  /** Read, modify, compare-and-set with the RoomUpdated event; the cache learns it at once. */
  private async change(tenant: string, arn: string, modify: (room: RoomRecord) => RoomRecord): Promise<RoomRecord> {
    let updated: RekeyEvent<RoomEventData> | undefined;
    const room = await this.rooms.change(tenant, arn, (current) => {
      const next = { ...modify(current), revision: current.revision + 1 };
      return { next, event: (updated = roomEvent('RoomUpdated', next)) };
    });
    if (!room) throw roomNotFound(arn);
    this.cache.apply(updated!);
    return room;
  }
}
