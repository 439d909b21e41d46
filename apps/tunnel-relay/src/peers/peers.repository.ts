import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { PeerMode, PeerConnectionData } from '@rekey/contracts';
import { recordEvents, RekeyEvent } from '@rekey/events';
import type { Model } from 'mongoose';
import { PEER_MODEL } from './peer.schema';

/** Who holds one end of a tunnel: the WebSocket session, and the replica (its URL and process) holding it. */
export interface PeerHolding {
  tunnelId: string;
  mode: PeerMode;
  tenant: string;
  arn: string;
  channelId: string;
  replica: string;
  instance: string;
  leaseUntil: Date;
}

/** A stored end of a tunnel; `status` CONNECTED while a replica renews its lease. */
export type StoredPeer = PeerHolding & { status: 'CONNECTED' | 'DISCONNECTED' };

const idOf = (tunnelId: string, mode: PeerMode) => `${tunnelId}:${mode}` as never;

/** The only code that touches `peers`: each change of a tunnel end is written with its event. */
@Injectable()
export class PeersRepository {
  constructor(@InjectModel(PEER_MODEL) readonly model: Model<unknown>) {}

  /** The end's new holder, with its event; returns the record as it was before (the holder it replaces, if any). */
  async connected(holding: PeerHolding, event: RekeyEvent<PeerConnectionData>): Promise<StoredPeer | undefined> {
    const previous = await this.model.collection.findOneAndUpdate(
      { _id: idOf(holding.tunnelId, holding.mode) },
      recordEvents({ $set: { ...holding, status: 'CONNECTED', lastUpdatedAt: new Date(event.data.at) } }, event) as never,
      { upsert: true, returnDocument: 'before' },
    );
    return (previous as StoredPeer | null) ?? undefined;
  }

  /** The advertised URL of the replica holding a connected end under a live lease, if any. */
  async holder(tunnelId: string, mode: PeerMode, now: Date): Promise<string | undefined> {
    const found = await this.model.collection.findOne({ _id: idOf(tunnelId, mode), status: 'CONNECTED', leaseUntil: { $gt: now } });
    return (found?.replica as string | undefined) ?? undefined;
  }

  /** Only the session that still holds the end records its departure (a replaced one does not). */
  async disconnected(tunnelId: string, mode: PeerMode, channelId: string, event: RekeyEvent<PeerConnectionData>): Promise<void> {
    await this.model.collection.updateOne(
      { _id: idOf(tunnelId, mode), channelId },
      recordEvents({ $set: { status: 'DISCONNECTED', lastUpdatedAt: new Date(event.data.at) }, $unset: { channelId: '' } }, event) as never,
    );
  }

  /** Extends the leases of the ends a replica process holds. */
  async renew(instance: string, leaseUntil: Date): Promise<void> {
    await this.model.collection.updateMany({ instance, status: 'CONNECTED' }, { $set: { leaseUntil } });
  }

  /** Ends of a replica process recorded as gone because their lease lapsed (their session is still recorded). */
  async lapsed(instance: string): Promise<StoredPeer[]> {
    return (await this.model.collection.find({ instance, status: 'DISCONNECTED', channelId: { $exists: true } }).toArray()) as unknown as StoredPeer[];
  }

  /** Connected ends whose holder stopped renewing (its replica died): at most `limit`. */
  async expired(now: Date, limit: number): Promise<StoredPeer[]> {
    return (await this.model.collection.find({ status: 'CONNECTED', leaseUntil: { $lt: now } }).limit(limit).toArray()) as unknown as StoredPeer[];
  }

  /**
   * Records the departure of an end whose lease ran out, once across replicas (compare-and-set on
   * the same session and the lapsed lease). The session stays recorded, so that a holder that was
   * only cut off from the database can {@link reclaim} it.
   */
  async expire(peer: StoredPeer, now: Date, event: RekeyEvent<PeerConnectionData>): Promise<void> {
    await this.model.collection.updateOne(
      { _id: idOf(peer.tunnelId, peer.mode), channelId: peer.channelId, status: 'CONNECTED', leaseUntil: { $lt: now } },
      recordEvents({ $set: { status: 'DISCONNECTED', lastUpdatedAt: new Date(event.data.at) } }, event) as never,
    );
  }

  /** A live session whose lease was taken for lapsed is connected again, unless another session took the end since. */
  async reclaim(holding: PeerHolding, event: RekeyEvent<PeerConnectionData>): Promise<void> {
    await this.model.collection.updateOne(
      { _id: idOf(holding.tunnelId, holding.mode), channelId: holding.channelId, status: 'DISCONNECTED' },
      recordEvents({ $set: { ...holding, status: 'CONNECTED', lastUpdatedAt: new Date(event.data.at) } }, event) as never,
    );
  }
}
