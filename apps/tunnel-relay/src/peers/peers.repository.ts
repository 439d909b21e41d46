import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { PeerMode, PeerConnectionData } from '@rekey/contracts';
import { recordEvents, RekeyEvent } from '@rekey/events';
import type { Model } from 'mongoose';
import { PEER_MODEL } from './peer.schema';

/** The only code that touches `peers`: each change of a tunnel end is written with its event. */
@Injectable()
export class PeersRepository {
  constructor(@InjectModel(PEER_MODEL) readonly model: Model<unknown>) {}

  /** The end's new holder (session and replica, for links from other replicas), with its event. */
  async connected(tunnelId: string, mode: PeerMode, channelId: string, replica: string, event: RekeyEvent<PeerConnectionData>): Promise<void> {
    await this.model.collection.updateOne(
      { _id: `${tunnelId}:${mode}` as never },
      recordEvents({ $set: { tunnelId, mode, status: 'CONNECTED', channelId, replica, lastUpdatedAt: new Date(event.data.at) } }, event) as never,
      { upsert: true },
    );
  }

  /** The advertised URL of the replica holding a connected end, if any. */
  async holder(tunnelId: string, mode: PeerMode): Promise<string | undefined> {
    const found = await this.model.collection.findOne({ _id: `${tunnelId}:${mode}` as never, status: 'CONNECTED' });
    return (found?.replica as string | undefined) ?? undefined;
  }

  /** Only the session that still holds the end records its departure (a replaced one does not). */
  async disconnected(tunnelId: string, mode: PeerMode, channelId: string, event: RekeyEvent<PeerConnectionData>): Promise<void> {
    await this.model.collection.updateOne(
      { _id: `${tunnelId}:${mode}` as never, channelId },
      recordEvents({ $set: { status: 'DISCONNECTED', lastUpdatedAt: new Date(event.data.at) }, $unset: { channelId: '' } }, event) as never,
    );
  }
}
