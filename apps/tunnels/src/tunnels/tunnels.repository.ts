import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { KeysetCursor, KeysetOrder, ServiceError } from '@rekey/aws-protocol';
import { TagDto, TunnelCloseReason } from '@rekey/contracts';
import { EventfulCollection, EventfulCollections, markDeleted, NOT_DELETED, RekeyEvent } from '@rekey/events';
import type { Filter } from 'mongodb';
import type { Model } from 'mongoose';
import { AccessMode, ConnectionState, DestinationConfig, TunnelRecord, TunnelState } from './tunnel';
import { TUNNEL_MODEL } from './tunnel.schema';

type TunnelDocument = Omit<TunnelRecord, 'id'> & { _id: string };

/** ListTunnels: newest first. */
export const TUNNELS_ORDER = new KeysetOrder('createdAt', '_id', -1);

/** What a rotation writes. */
export interface RotationChanges {
  sourceTokenHash?: string;
  destinationTokenHash?: string;
  destinationConfig?: DestinationConfig;
  generation: number;
  lastUpdatedAt: Date;
}

/** A rotation decided on the current tunnel: its changes and event, valid while the tunnel is open at `now`. */
export interface Rotation {
  changes: RotationChanges;
  event: RekeyEvent;
  now: Date;
}

/** What closing a tunnel writes. */
export interface CloseChanges {
  closedAt: Date;
  closeReason: TunnelCloseReason;
  lastUpdatedAt: Date;
  deleted: boolean;
}

/** Closing decided on the current tunnel: an open one is closed, a closed one deleted (with `deleted`). */
export interface Closing {
  changes: CloseChanges;
  event: RekeyEvent;
}

const VISIBLE = { state: { $in: ['OPEN', 'CLOSED'] as TunnelState[] }, ...NOT_DELETED };

function toRecord(doc: TunnelDocument): TunnelRecord {
  const { _id, ...rest } = doc;
  // Drops the outbox fields: they are the relay's business.
  const record = Object.fromEntries(Object.entries(rest).filter(([key]) => !key.startsWith('_'))) as Omit<TunnelRecord, 'id'>;
  return { id: _id, ...record };
}

/** A compare-and-set lost every race: IoT Secure Tunneling's throttling error, which the SDKs retry. */
const contended = (tunnel: TunnelDocument) => new ServiceError('Throttled', `Too many concurrent changes to tunnel ${tunnel._id}; retry`);

/**
 * The only code touching the tunnels collection. Every query is filtered by tenant, except the two
 * that are cross-tenant by nature and say so: token verification (the relay knows a tunnel id and
 * a token, not an account) and the expiry sweeper.
 */
@Injectable()
export class TunnelsRepository {
  private readonly tunnels: EventfulCollection<TunnelDocument>;

  constructor(@InjectModel(TUNNEL_MODEL) model: Model<TunnelDocument>, collections: EventfulCollections) {
    this.tunnels = collections.register<TunnelDocument>(model, { contended });
  }

  /** Inserts a PENDING tunnel: a reservation that counts against the limit, visible to no caller. */
  async reserve(tunnel: TunnelRecord): Promise<void> {
    const { id, ...rest } = tunnel;
    await this.tunnels.collection.insertOne({ _id: id, ...rest, state: 'PENDING' }, { ignoreUndefined: true });
  }

  /** Live open tunnels plus reservations made after `reservedSince` (older ones belong to crashed requests). */
  async countOpenOrReserved(tenant: string, now: Date, reservedSince: Date): Promise<number> {
    return this.tunnels.collection.countDocuments({
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
    return this.tunnels.record({ _id: id, tenant, state: 'PENDING' }, { $set: { state: 'OPEN' } }, [event]);
  }

  /** Drops a reservation that was refused (no event was ever recorded for it). */
  async release(tenant: string, id: string): Promise<void> {
    await this.tunnels.collection.deleteOne({ _id: id, tenant, state: 'PENDING' });
  }

  async find(tenant: string, id: string): Promise<TunnelRecord | undefined> {
    const doc = await this.tunnels.collection.findOne({ _id: id, tenant, ...VISIBLE });
    return doc ? toRecord(doc) : undefined;
  }

  /** One page in {@link TUNNELS_ORDER}; `limit` + 1 are read so the caller knows whether another page exists. */
  async list(tenant: string, options: { thingName?: string; after?: KeysetCursor; limit: number }): Promise<TunnelRecord[]> {
    const filter: Filter<TunnelDocument> = { tenant, ...VISIBLE, ...TUNNELS_ORDER.after(options.after) };
    if (options.thingName !== undefined) filter['destinationConfig.thingName'] = options.thingName;
    const docs = await this.tunnels.collection.find(filter).sort(TUNNELS_ORDER.sort).limit(options.limit + 1).toArray();
    return docs.map(toRecord);
  }

  /**
   * Replaces the verifiers of the rotated modes and records the event, in one write (compare-and-set
   * on the generation), only while the tunnel is still open: a concurrent rotation makes this one
   * decide again, so each event carries the generation its own write produced. The event is
   * published before this resolves. Undefined when there is no such tunnel.
   *
   * The tunnel is remembered as written: rotating it again here is that one write, without a read
   * first (only a miss reads). A rotation decides on fields that never change (tenant, ARN, end of
   * life), on the generation and destination config (only rotations change them, bumping the
   * generation) and on the state, which the write's condition re-checks.
   */
  async rotate(tenant: string, id: string, decide: (current: TunnelRecord) => Rotation): Promise<TunnelRecord | undefined> {
    let rotated: TunnelRecord | undefined;
    const written = await this.tunnels.change(
      { _id: id, tenant, ...VISIBLE },
      (current) => {
        const tunnel = toRecord(current);
        const { changes, event, now } = decide(tunnel);
        rotated = { ...tunnel, ...changes };
        return { set: { ...changes }, events: [event], where: { state: 'OPEN', expiresAt: { $gt: now } } };
      },
      // The answer is built from the state read and the change written: only the id is read back.
      { version: 'generation', projection: { _id: 1 }, remember: true },
    );
    return written ? rotated : undefined;
  }

  /**
   * OPEN -> CLOSED, or CLOSED -> deleted, with its event, as decided on the current tunnel (null:
   * nothing to do); the state condition lets only one writer (request or sweeper) record it.
   * Undefined when there is no such tunnel.
   */
  async closeOrDelete(tenant: string, id: string, decide: (current: TunnelRecord) => Closing | null): Promise<TunnelRecord | undefined> {
    const doc = await this.tunnels.change({ _id: id, tenant, ...VISIBLE }, (current) => {
      const closing = decide(toRecord(current));
      if (!closing) return null;
      const set = current.state === 'OPEN' ? closedFields(closing.changes) : markDeleted();
      return { set, events: [closing.event], where: { state: current.state } };
    });
    return doc ? toRecord(doc) : undefined;
  }

  /** OPEN -> CLOSED with its event, in one write if the tunnel is still open (the sweeper's). */
  async closeIfOpen(tenant: string, id: string, changes: CloseChanges, event: RekeyEvent): Promise<boolean> {
    return this.tunnels.record({ _id: id, tenant, state: 'OPEN', ...NOT_DELETED }, { $set: closedFields(changes) }, [event]);
  }

  /**
   * A tunnel end's connection state as the relay reported it (cross-tenant: the event names the
   * tunnel); a report older than the stored state changes nothing.
   */
  async recordConnectionState(id: string, mode: AccessMode, state: ConnectionState): Promise<void> {
    const field = mode === 'SOURCE' ? 'sourceConnectionState' : 'destinationConnectionState';
    await this.tunnels.collection.updateOne({ _id: id, [`${field}.lastUpdatedAt`]: { $lte: state.lastUpdatedAt } }, { $set: { [field]: state } });
  }

  /** Replaces the tags as decided on the current ones (compare-and-set on their revision); undefined when there is no such tunnel. */
  async changeTags(tenant: string, id: string, decide: (current: TunnelRecord) => { tags: TagDto[]; lastUpdatedAt: Date }): Promise<TunnelRecord | undefined> {
    const doc = await this.tunnels.change({ _id: id, tenant, ...VISIBLE }, (current) => ({ set: decide(toRecord(current)), events: [] }), { version: 'tagsRevision' });
    return doc ? toRecord(doc) : undefined;
  }

  /** Cross-tenant by design, for the sweeper: open tunnels past their end of life. */
  async findExpired(now: Date, limit: number): Promise<TunnelRecord[]> {
    const docs = await this.tunnels.collection.find({ state: 'OPEN', expiresAt: { $lte: now }, ...NOT_DELETED }).limit(limit).toArray();
    return docs.map(toRecord);
  }

  /** Cross-tenant by design, for the sweeper: reservations left by requests that died mid-way. */
  async purgeReservations(before: Date): Promise<void> {
    await this.tunnels.collection.deleteMany({ state: 'PENDING', createdAt: { $lt: before } });
  }
}

function closedFields({ deleted, ...fields }: CloseChanges): Record<string, unknown> {
  return { ...fields, state: 'CLOSED', ...(deleted ? markDeleted() : {}) };
}
