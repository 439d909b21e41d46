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
  status?: 'CONNECTED' | 'DISCONNECTED';
  /** The WebSocket session (`channel-id`) holding the end, while connected. */
  channelId?: string;
  /** Advertised URL of the replica holding the end (replica-to-replica links). */
  replica?: string;
  lastUpdatedAt?: Date;
}

/** One document per tunnel end, `_id` = `<tunnelId>:<mode>`; its outbox carries PeerConnected / PeerDisconnected. */
export const PeerSchema = withOutbox(
  new Schema(
    {
      _id: { type: String, required: true },
      tunnelId: { type: String, required: true },
      mode: { type: String, required: true, enum: ['SOURCE', 'DESTINATION'] },
      status: { type: String, enum: ['CONNECTED', 'DISCONNECTED'] },
      /** The WebSocket session (`channel-id`) holding the end, while connected. */
      channelId: String,
      /** Advertised URL of the replica holding the end (replica-to-replica links). */
      replica: String,
      lastUpdatedAt: Date,
    },
    { collection: 'peers', versionKey: false },
  ),
);
