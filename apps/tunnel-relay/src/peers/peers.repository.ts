import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { PeerMode, PeerConnectionData } from '@rekey/contracts';
import { EventfulCollection, EventfulCollections, RekeyEvent } from '@rekey/events';
import type { Model } from 'mongoose';
import { PEER_MODEL, PeerDocument } from './peer.schema';

/** The only code that touches `peers`: each change of a tunnel end is written with its event. */
@Injectable()
export class PeersRepository {
  private readonly peers: EventfulCollection<PeerDocument>;

  constructor(@InjectModel(PEER_MODEL) model: Model<PeerDocument>, collections: EventfulCollections) {
    this.peers = collections.register<PeerDocument>(model);
  }

  /** The end's new holder (session and replica, for links from other replicas), with its event. */
  async connected(tunnelId: string, mode: PeerMode, channelId: string, replica: string, event: RekeyEvent<PeerConnectionData>): Promise<void> {
    const holder = { tunnelId, mode, status: 'CONNECTED' as const, channelId, replica, lastUpdatedAt: new Date(event.data.at) };
    await this.peers.record({ _id: `${tunnelId}:${mode}` }, { $set: holder }, [event], { upsert: true });
  }

  /** The advertised URL of the replica holding a connected end, if any. */
  async holder(tunnelId: string, mode: PeerMode): Promise<string | undefined> {
    const found = await this.peers.collection.findOne({ _id: `${tunnelId}:${mode}`, status: 'CONNECTED' });
    return found?.replica ?? undefined;
  }

  /** Only the session that still holds the end records its departure (a replaced one does not). */
  async disconnected(tunnelId: string, mode: PeerMode, channelId: string, event: RekeyEvent<PeerConnectionData>): Promise<void> {
    await this.peers.record({ _id: `${tunnelId}:${mode}`, channelId }, { $set: { status: 'DISCONNECTED', lastUpdatedAt: new Date(event.data.at) }, $unset: { channelId: '' } }, [event]);
  }
}
