import { withOutbox } from '@rekey/events';
import { Schema } from 'mongoose';

export const ROOM_MODEL = 'Room';

/** A room as stored in `rooms`. Tags are a list of pairs: tag keys may hold `.` and `$`, which field names may not. */
export interface RoomDocument {
  /** The room ARN. */
  _id: string;
  tenant: string;
  roomId: string;
  name: string;
  maximumMessageRatePerSecond: number;
  maximumMessageLength: number;
  messageReviewHandler?: { uri: string; fallbackResult: 'ALLOW' | 'DENY' };
  tags: { key: string; value: string }[];
  loggingConfigurationIdentifiers: string[];
  createTime: Date;
  updateTime: Date;
  /** +1 per change: updates are compare-and-set on it, so that each event carries the state it produced. */
  revision: number;
}

export const roomSchema = withOutbox(
  new Schema<RoomDocument>(
    {
      _id: { type: String, required: true },
      tenant: { type: String, required: true },
      roomId: { type: String, required: true },
      name: { type: String, default: '' },
      maximumMessageRatePerSecond: { type: Number, required: true },
      maximumMessageLength: { type: Number, required: true },
      messageReviewHandler: { type: new Schema({ uri: String, fallbackResult: String }, { _id: false }), default: undefined },
      tags: { type: [new Schema({ key: String, value: String }, { _id: false })], default: [] },
      loggingConfigurationIdentifiers: { type: [String], default: [] },
      createTime: { type: Date, required: true },
      updateTime: { type: Date, required: true },
      revision: { type: Number, required: true },
    },
    // minimize: false keeps empty maps (tags: {}) in the events recorded with a create.
    { collection: 'rooms', versionKey: false, minimize: false },
  ),
);
// ListRooms: a tenant's rooms, newest update first.
roomSchema.index({ tenant: 1, updateTime: -1, roomId: -1 });
