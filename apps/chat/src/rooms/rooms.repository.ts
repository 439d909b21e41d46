import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { markDeleted, NOT_DELETED, outboxForCreate, recordEvents, RekeyEvent } from '@rekey/events';
import type { FilterQuery, Model } from 'mongoose';
import { ROOM_MODEL, RoomDocument } from './room.schema';
import { RoomRecord } from './room.view';

/** ListRooms filters (all optional, combined with AND). */
export interface RoomFilter {
  name?: string;
  messageReviewHandlerUri?: string;
  loggingConfigurationIdentifier?: string;
}

/** Position after the last room of a ListRooms page (rooms are ordered by updateTime, then id, descending). */
export interface RoomCursor {
  updateTime: number;
  id: string;
}

function toRecord(doc: RoomDocument): RoomRecord {
  return {
    arn: doc._id,
    tenant: doc.tenant,
    id: doc.roomId,
    name: doc.name,
    maximumMessageRatePerSecond: doc.maximumMessageRatePerSecond,
    maximumMessageLength: doc.maximumMessageLength,
    ...(doc.messageReviewHandler?.uri ? { messageReviewHandler: { uri: doc.messageReviewHandler.uri, fallbackResult: doc.messageReviewHandler.fallbackResult } } : {}),
    tags: Object.fromEntries((doc.tags ?? []).map(({ key, value }) => [key, value])),
    loggingConfigurationIdentifiers: doc.loggingConfigurationIdentifiers ?? [],
    createTime: doc.createTime,
    updateTime: doc.updateTime,
    revision: doc.revision,
  };
}

/** The state fields of a record, as stored (everything but the ARN, which is the `_id`). */
function toFields(room: RoomRecord): Omit<RoomDocument, '_id'> {
  return {
    tenant: room.tenant,
    roomId: room.id,
    name: room.name,
    maximumMessageRatePerSecond: room.maximumMessageRatePerSecond,
    maximumMessageLength: room.maximumMessageLength,
    ...(room.messageReviewHandler ? { messageReviewHandler: room.messageReviewHandler } : {}),
    tags: Object.entries(room.tags).map(([key, value]) => ({ key, value })),
    loggingConfigurationIdentifiers: room.loggingConfigurationIdentifiers,
    createTime: room.createTime,
    updateTime: room.updateTime,
    revision: room.revision,
  };
}

/** The only code touching `rooms`. Every query is filtered by tenant, except the cache's start-up load. */
@Injectable()
export class RoomsRepository {
  constructor(@InjectModel(ROOM_MODEL) private readonly model: Model<RoomDocument>) {}

  async create(room: RoomRecord, event: RekeyEvent): Promise<void> {
    await this.model.create({ _id: room.arn, ...toFields(room), ...outboxForCreate(event) });
  }

  async find(tenant: string, arn: string): Promise<RoomRecord | null> {
    const doc = await this.model.findOne({ _id: arn, tenant, ...NOT_DELETED }).lean<RoomDocument>();
    return doc ? toRecord(doc) : null;
  }

  /** One page of a tenant's rooms, newest update first; `limit + 1` are read to tell whether more follow. */
  async list(tenant: string, filter: RoomFilter, after: RoomCursor | undefined, limit: number): Promise<RoomRecord[]> {
    const query: FilterQuery<RoomDocument> = { tenant, ...NOT_DELETED };
    if (filter.name !== undefined) query.name = filter.name;
    if (filter.messageReviewHandlerUri !== undefined) query['messageReviewHandler.uri'] = filter.messageReviewHandlerUri;
    if (filter.loggingConfigurationIdentifier !== undefined) query.loggingConfigurationIdentifiers = filter.loggingConfigurationIdentifier;
    if (after) {
      const at = new Date(after.updateTime);
      query.$or = [{ updateTime: { $lt: at } }, { updateTime: at, roomId: { $lt: after.id } }];
    }
    const docs = await this.model.find(query).sort({ updateTime: -1, roomId: -1 }).limit(limit).lean<RoomDocument[]>();
    return docs.map(toRecord);
  }

  /**
   * Replaces the room with `next` and records its event, in one write, if the stored revision is
   * still `next.revision - 1`. False when the room is gone or changed meanwhile.
   */
  async replace(next: RoomRecord, event: RekeyEvent): Promise<boolean> {
    const { tenant, ...fields } = toFields(next);
    const result = await this.model.updateOne(
      { _id: next.arn, tenant, revision: next.revision - 1, ...NOT_DELETED },
      recordEvents({ $set: fields, ...(next.messageReviewHandler ? {} : { $unset: { messageReviewHandler: '' } }) }, event),
    );
    return result.modifiedCount === 1;
  }

  /** Marks the room deleted with its event, in one write, if it is still at `revision`; the relay purges it once published. */
  async markDeleted(room: RoomRecord, event: RekeyEvent): Promise<boolean> {
    const result = await this.model.updateOne({ _id: room.arn, tenant: room.tenant, revision: room.revision, ...NOT_DELETED }, recordEvents({ $set: markDeleted() }, event));
    return result.modifiedCount === 1;
  }

  /** Records an event of a live room without changing it (SendEvent, DeleteMessage). False when there is no such room. */
  async recordEvent(tenant: string, arn: string, event: RekeyEvent): Promise<boolean> {
    const result = await this.model.updateOne({ _id: arn, tenant, ...NOT_DELETED }, recordEvents({}, event));
    return result.matchedCount === 1;
  }

  /** ARN and tenant of every live room of every tenant: the room cache's start-up load. */
  async allLive(): Promise<{ arn: string; tenant: string }[]> {
    const docs = await this.model.find({ ...NOT_DELETED }, { _id: 1, tenant: 1 }).lean<Pick<RoomDocument, '_id' | 'tenant'>[]>();
    return docs.map((doc) => ({ arn: doc._id, tenant: doc.tenant }));
  }
}
