import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { KeysetCursor, KeysetOrder, ServiceError } from '@rekey/aws-protocol';
import { EventfulCollection, EventfulCollections, markDeleted, NOT_DELETED, RekeyEvent } from '@rekey/events';
import type { Filter } from 'mongodb';
import type { Model } from 'mongoose';
import { ROOM_MODEL, RoomDocument } from './room.schema';
import { RoomRecord } from './room.view';

/** ListRooms filters (all optional, combined with AND). */
export interface RoomFilter {
  name?: string;
  messageReviewHandlerUri?: string;
  loggingConfigurationIdentifier?: string;
}

/** ListRooms: most recently updated first. */
export const ROOMS_ORDER = new KeysetOrder('updateTime', 'roomId', -1);

/** A room change decided on the current room: the room it becomes and the event saying so. */
export interface RoomReplacement {
  next: RoomRecord;
  event: RekeyEvent;
}

/** Compare-and-set on the revision (+1 per change), so that each event carries the state it produced. */
const BY_REVISION = { version: 'revision' };

/** A compare-and-set lost every race: IVS Chat's ConflictException. */
const contended = (room: RoomDocument) => new ServiceError('Conflict', `Room ${room._id} is being changed concurrently`, { resourceId: room.roomId, resourceType: 'ROOM' });

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
  private readonly rooms: EventfulCollection<RoomDocument>;

  constructor(@InjectModel(ROOM_MODEL) model: Model<RoomDocument>, collections: EventfulCollections) {
    this.rooms = collections.register<RoomDocument>(model, { contended });
  }

  async create(room: RoomRecord, event: RekeyEvent): Promise<void> {
    await this.rooms.insert({ _id: room.arn, ...toFields(room) }, event);
  }

  /** The live room (the token path's lookup when the room cache does not know it). */
  async find(tenant: string, arn: string): Promise<RoomRecord | null> {
    const doc = await this.rooms.collection.findOne({ _id: arn, tenant, ...NOT_DELETED });
    return doc ? toRecord(doc) : null;
  }

  /** One page of a tenant's rooms in {@link ROOMS_ORDER}; `limit + 1` are read to tell whether more follow. */
  async list(tenant: string, filter: RoomFilter, after: KeysetCursor | undefined, limit: number): Promise<RoomRecord[]> {
    const query: Filter<RoomDocument> = { tenant, ...NOT_DELETED, ...ROOMS_ORDER.after(after) };
    if (filter.name !== undefined) query.name = filter.name;
    if (filter.messageReviewHandlerUri !== undefined) query['messageReviewHandler.uri'] = filter.messageReviewHandlerUri;
    if (filter.loggingConfigurationIdentifier !== undefined) query.loggingConfigurationIdentifiers = filter.loggingConfigurationIdentifier;
    const docs = await this.rooms.collection.find(query).sort(ROOMS_ORDER.sort).limit(limit + 1).toArray();
    return docs.map(toRecord);
  }

  /**
   * Replaces the live room with what `decide` makes of it, with its event, in one write
   * (compare-and-set on the revision); the event is published before this resolves. Null when
   * there is no such room.
   */
  async change(tenant: string, arn: string, decide: (current: RoomRecord) => RoomReplacement): Promise<RoomRecord | null> {
    const doc = await this.rooms.change(
      { _id: arn, tenant },
      (current) => {
        const { next, event } = decide(toRecord(current));
        return { set: toFields(next), unset: next.messageReviewHandler ? [] : ['messageReviewHandler'], events: [event] };
      },
      BY_REVISION,
    );
    return doc ? toRecord(doc) : null;
  }

  /**
   * Marks the live room deleted with the event `lastEvent` returns (after what it must do first),
   * in one write (compare-and-set on the revision); the relay purges it once published. False when
   * there is no such room.
   */
  async remove(tenant: string, arn: string, lastEvent: (current: RoomRecord) => Promise<RekeyEvent>): Promise<boolean> {
    const doc = await this.rooms.change({ _id: arn, tenant }, async (current) => ({ set: markDeleted(), events: [await lastEvent(toRecord(current))] }), BY_REVISION);
    return doc !== null;
  }

  /** Records an event of a live room without changing it (SendEvent, DeleteMessage). False when there is no such room. */
  async recordEvent(tenant: string, arn: string, event: RekeyEvent): Promise<boolean> {
    return this.rooms.record({ _id: arn, tenant, ...NOT_DELETED }, {}, [event]);
  }

  /** ARN and tenant of every live room of every tenant: the room cache's start-up load. */
  async allLive(): Promise<{ arn: string; tenant: string }[]> {
    const docs = await this.rooms.collection.find({ ...NOT_DELETED }, { projection: { _id: 1, tenant: 1 } }).toArray();
    return docs.map((doc) => ({ arn: doc._id, tenant: doc.tenant }));
  }
}
