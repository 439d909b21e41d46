import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { PeerMode, PeerConnectionData } from '@rekey/contracts';
import { EventfulCollection, EventfulCollections, RekeyEvent } from '@rekey/events';
import type { Model } from 'mongoose';
import { PEER_MODEL, PeerDocument } from './peer.schema';

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

const idOf = (tunnelId: string, mode: PeerMode) => `${tunnelId}:${mode}`;

/** The only code that touches `peers`: each change of a tunnel end is written with its event. */
@Injectable()
export class PeersRepository {
  private readonly peers: EventfulCollection<PeerDocument>;

  constructor(@InjectModel(PEER_MODEL) model: Model<PeerDocument>, collections: EventfulCollections) {
    this.peers = collections.register<PeerDocument>(model);
  }

  /**
   * The end's new holder, with its event; returns the record as it was just before (the holder it
   * replaces, if any: read first, a hint for closing that one).
   */
  async connected(holding: PeerHolding, event: RekeyEvent<PeerConnectionData>): Promise<StoredPeer | undefined> {
    const _id = idOf(holding.tunnelId, holding.mode);
    const previous = await this.peers.collection.findOne({ _id });
    await this.peers.record({ _id }, { $set: { ...holding, status: 'CONNECTED', lastUpdatedAt: new Date(event.data.at) } }, [event], { upsert: true });
    return (previous as StoredPeer | null) ?? undefined;
  }

  /** The advertised URL of the replica holding a connected end under a live lease, if any. */
  async holder(tunnelId: string, mode: PeerMode, now: Date): Promise<string | undefined> {
    const found = await this.peers.collection.findOne({ _id: idOf(tunnelId, mode), status: 'CONNECTED', leaseUntil: { $gt: now } });
    return found?.replica ?? undefined;
  }

  /** Only the session that still holds the end records its departure (a replaced one does not). */
  async disconnected(tunnelId: string, mode: PeerMode, channelId: string, event: RekeyEvent<PeerConnectionData>): Promise<void> {
    await this.peers.record({ _id: idOf(tunnelId, mode), channelId }, { $set: { status: 'DISCONNECTED', lastUpdatedAt: new Date(event.data.at) }, $unset: { channelId: '' } }, [event]);
  }

  /** Extends the leases of the ends a replica process holds. */
  async renew(instance: string, leaseUntil: Date): Promise<void> {
    await this.peers.collection.updateMany({ instance, status: 'CONNECTED' }, { $set: { leaseUntil } });
  }

  /** Ends of a replica process recorded as gone because their lease lapsed (their session is still recorded). */
  async lapsed(instance: string): Promise<StoredPeer[]> {
    return (await this.peers.collection.find({ instance, status: 'DISCONNECTED', channelId: { $exists: true } }).toArray()) as StoredPeer[];
  }

  /** Connected ends whose holder stopped renewing (its replica died): at most `limit`. */
  async expired(now: Date, limit: number): Promise<StoredPeer[]> {
    return (await this.peers.collection.find({ status: 'CONNECTED', leaseUntil: { $lt: now } }).limit(limit).toArray()) as StoredPeer[];
  }

  /**
   * Records the departure of an end whose lease ran out, once across replicas (compare-and-set on
   * the same session and the lapsed lease). The session stays recorded, so that a holder that was
   * only cut off from the database can {@link reclaim} it.
   */
  async expire(peer: StoredPeer, now: Date, event: RekeyEvent<PeerConnectionData>): Promise<void> {
    await this.peers.record(
      { _id: idOf(peer.tunnelId, peer.mode), channelId: peer.channelId, status: 'CONNECTED', leaseUntil: { $lt: now } },
      { $set: { status: 'DISCONNECTED', lastUpdatedAt: new Date(event.data.at) } },
      [event],
    );
  }

  /** A live session whose lease was taken for lapsed is connected again, unless another session took the end since. */
  async reclaim(holding: PeerHolding, event: RekeyEvent<PeerConnectionData>): Promise<void> {
    await this.peers.record(
      { _id: idOf(holding.tunnelId, holding.mode), channelId: holding.channelId, status: 'DISCONNECTED' },
      { $set: { ...holding, status: 'CONNECTED', lastUpdatedAt: new Date(event.data.at) } },
      [event],
    );
  }
}
