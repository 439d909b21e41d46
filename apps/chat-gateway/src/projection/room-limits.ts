import { DirectoryRoom } from '@rekey/chat-rooms';
import { RoomEventData } from '@rekey/contracts';

/** What the gateway needs of a room: whose it is and its limits. */
export interface RoomLimits extends DirectoryRoom {
  /** In code points. */
  maximumMessageLength: number;
  maximumMessageRatePerSecond: number;
  /** ISO 8601: a change older than what is known is ignored. */
  updateTime: string;
}

/** The room of a room event, as the directory keeps it. */
export const roomLimitsOf = (data: RoomEventData): RoomLimits => ({
  arn: data.arn,
  tenant: data.tenant,
  maximumMessageLength: data.maximumMessageLength,
  maximumMessageRatePerSecond: data.maximumMessageRatePerSecond,
  updateTime: data.updateTime,
});
