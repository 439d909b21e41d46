import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { TagDto, TunnelCloseReason } from '@rekey/contracts';
import { driverCollection, markDeleted, NOT_DELETED, OutboxFastPath, RekeyEvent, recordEvents } from '@rekey/events';
import type { FilterQuery, Model } from 'mongoose';
import { AccessMode, ConnectionState, DestinationConfig, TunnelRecord } from './tunnel';
import { TUNNEL_MODEL } from './tunnel.schema';

type TunnelDocument = Omit<TunnelRecord, 'id'> & { _id: string };

/** Position in ListTunnels order (createdAt desc, id desc), carried by NextTokens. */
export interface TunnelCursor {
  createdAt: number;
  id: string;
}

/** What a rotation writes. */
export interface RotationChanges {
  sourceTokenHash?: string;
  destinationTokenHash?: string;
  destinationConfig?: DestinationConfig;
  generation: number;
  lastUpdatedAt: Date;
}

/** What closing a tunnel writes. */
export interface CloseChanges {
  closedAt: Date;
  closeReason: TunnelCloseReason;
  lastUpdatedAt: Date;
  deleted: boolean;
}

const VISIBLE = { state: { $in: ['OPEN', 'CLOSED'] }, ...NOT_DELETED };

function toRecord(doc: TunnelDocument): TunnelRecord {
  const { _id, ...rest } = doc;
  // Drops the outbox fields: they are the relay's business.
  const record = Object.fromEntries(Object.entries(rest).filter(([key]) => !key.startsWith('_'))) as Omit<TunnelRecord, 'id'>;
  return { id: _id, ...record };
}

/**
 * The only code touching the tunnels collection. Every query is filtered by tenant, except the two
 * that are cross-tenant by nature and say so: token verification (the relay knows a tunnel id and
 * a token, not an account) and the expiry sweeper.
 */
@Injectable()
export class TunnelsRepository {
  constructor(
    @InjectModel(TUNNEL_MODEL) private readonly tunnels: Model<TunnelDocument>,
    private readonly outbox: OutboxFastPath,
  ) {}

  /** Inserts a PENDING tunnel: a reservation that counts against the limit, visible to no caller. */
  async reserve(tunnel: TunnelRecord): Promise<void> {
    const { id, ...rest } = tunnel;
    await this.tunnels.create({ _id: id, ...rest, state: 'PENDING' });
  }

  /** Live open tunnels plus reservations made after `reservedSince` (older ones belong to crashed requests). */
  async countOpenOrReserved(tenant: string, now: Date, reservedSince: Date): Promise<number> {
    return this.tunnels.countDocuments({
      tenant,
      ...NOT_DELETED,
      $or: [
        { state: 'OPEN', expiresAt: { $gt: now } },
        { state: 'PENDING', createdAt: { $gt: reservedSince } },
      ],
    });
  }

  /** Turns a reservation into an open tunnel, recording its event in the same write. */
  async activate(tenant: string, id: string, event: RekeyEvent): Promise<boolean> {
    const result = await this.tunnels.updateOne({ _id: id, tenant, state: 'PENDING' }, recordEvents({ $set: { state: 'OPEN' } }, event));
    return result.matchedCount === 1;
  }

  /** Drops a reservation that was refused (no event was ever recorded for it). */
  async release(tenant: string, id: string): Promise<void> {
    await this.tunnels.deleteOne({ _id: id, tenant, state: 'PENDING' });
  }

  async find(tenant: string, id: string): Promise<TunnelRecord | undefined> {
    const doc = (await driverCollection(this.tunnels).findOne({ _id: id, tenant, ...VISIBLE })) as TunnelDocument | null;
    return doc ? toRecord(doc) : undefined;
  }

  /** Newest first; `limit` + 1 are read so the caller knows whether another page exists. */
  async list(tenant: string, options: { thingName?: string; after?: TunnelCursor; limit: number }): Promise<TunnelRecord[]> {
    const filter: FilterQuery<TunnelDocument> = { tenant, ...VISIBLE };
    if (options.thingName !== undefined) filter['destinationConfig.thingName'] = options.thingName;
    if (options.after) {
      const at = new Date(options.after.createdAt);
      filter.$or = [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lt: options.after.id } }];
    }
    const docs = await this.tunnels.find(filter).sort({ createdAt: -1, _id: -1 }).limit(options.limit + 1).lean<TunnelDocument[]>();
    return docs.map(toRecord);
  }

  /**
   * Replaces the verifiers of the rotated modes and records the event, in one write, only if the
   * tunnel is still open and still at `generation` - 1: a concurrent rotation makes this one retry,
   * so each event carries the generation its own write produced. The event is published before
   * this resolves (OutboxFastPath).
   */
  async rotate(tenant: string, id: string, now: Date, changes: RotationChanges, event: RekeyEvent): Promise<boolean> {
    const filter = { _id: id, tenant, state: 'OPEN', expiresAt: { $gt: now }, generation: changes.generation - 1, ...NOT_DELETED };
    const written = await this.outbox.recordAndPublish(driverCollection(this.tunnels), filter, { ...changes }, [event], { _id: 1 });
    return written !== null;
  }

  /** OPEN -> CLOSED with its event, once: the state condition lets only one writer (request or sweeper) win. */
  async close(tenant: string, id: string, changes: CloseChanges, event: RekeyEvent): Promise<boolean> {
    const { deleted, ...fields } = changes;
    const $set = { ...fields, state: 'CLOSED', ...(deleted ? markDeleted() : {}) };
    const result = await this.tunnels.updateOne({ _id: id, tenant, state: 'OPEN', ...NOT_DELETED }, recordEvents({ $set }, event));
    return result.matchedCount === 1;
  }

  /** Deletes an already closed tunnel with its event; the relay purges it once the event is out. */
  async deleteClosed(tenant: string, id: string, event: RekeyEvent): Promise<boolean> {
    const result = await this.tunnels.updateOne({ _id: id, tenant, state: 'CLOSED', ...NOT_DELETED }, recordEvents({ $set: markDeleted() }, event));
    return result.matchedCount === 1;
  }

  /**
   * A tunnel end's connection state as the relay reported it (cross-tenant: the event names the
   * tunnel); a report older than the stored state changes nothing.
   */
  async recordConnectionState(id: string, mode: AccessMode, state: ConnectionState): Promise<void> {
    const field = mode === 'SOURCE' ? 'sourceConnectionState' : 'destinationConnectionState';
    await this.tunnels.updateOne({ _id: id, [`${field}.lastUpdatedAt`]: { $lte: state.lastUpdatedAt } }, { $set: { [field]: state } });
  }

  /** Replaces the tags if nobody changed them since `revision` was read. */
  async setTags(tenant: string, id: string, revision: number, tags: TagDto[], now: Date): Promise<boolean> {
    const result = await this.tunnels.updateOne(
      { _id: id, tenant, tagsRevision: revision, ...VISIBLE },
      { $set: { tags, tagsRevision: revision + 1, lastUpdatedAt: now } },
    );
    return result.matchedCount === 1;
  }

  /** Cross-tenant by design, for the sweeper: open tunnels past their end of life. */
  async findExpired(now: Date, limit: number): Promise<TunnelRecord[]> {
    const docs = await this.tunnels.find({ state: 'OPEN', expiresAt: { $lte: now }, ...NOT_DELETED }).limit(limit).lean<TunnelDocument[]>();
    return docs.map(toRecord);
  }

  /** Cross-tenant by design, for the sweeper: reservations left by requests that died mid-way. */
  async purgeReservations(before: Date): Promise<void> {
    await this.tunnels.deleteMany({ state: 'PENDING', createdAt: { $lt: before } });
  }
}
