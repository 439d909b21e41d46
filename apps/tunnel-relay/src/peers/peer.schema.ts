import { PeerMode } from '@rekey/contracts';
import { withOutbox } from '@rekey/events';
import { Schema } from 'mongoose';

/** Mongoose model name (collection `peers`): who holds each end of each tunnel, with the peer events. */
export const PEER_MODEL = 'Peer';

/** A tunnel end as stored in `peers`. */
export interface PeerDocument {
  /** `<tunnelId>:<mode>`. */
  _id: string;
  tunnelId: string;
  mode: PeerMode;
  tenant?: string;
  arn?: string;
  status?: 'CONNECTED' | 'DISCONNECTED';
  /** The WebSocket session (`channel-id`) holding the end, while connected (and after its lease lapsed). */
  channelId?: string;
  /** Advertised URL of the replica holding the end (replica-to-replica links). */
  replica?: string;
  /** The replica process holding the end. */
  instance?: string;
  leaseUntil?: Date;
  lastUpdatedAt?: Date;
}

/** One document per tunnel end, `_id` = `<tunnelId>:<mode>`; its outbox carries PeerConnected / PeerDisconnected. */
export const PeerSchema = withOutbox(
  new Schema(
    {
      _id: { type: String, required: true },
      tunnelId: { type: String, required: true },
      mode: { type: String, required: true, enum: ['SOURCE', 'DESTINATION'] },
      tenant: String,
      arn: String,
      status: { type: String, enum: ['CONNECTED', 'DISCONNECTED'] },
      /** The WebSocket session (`channel-id`) holding the end, while connected. */
      channelId: String,
      /** Advertised URL of the replica holding the end (replica-to-replica links). */
      replica: String,
      /** The replica process holding the end (a restarted replica is another process at the same URL). */
      instance: String,
      /** Renewed by the holder while it lives; past it, any replica records the end's departure. */
      leaseUntil: Date,
      lastUpdatedAt: Date,
    },
    { collection: 'peers', versionKey: false },
  ),
);
