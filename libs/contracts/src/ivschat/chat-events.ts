import { RoomView } from './room.dto';

/** `data` of `rekey.chat.RoomCreated`, `RoomUpdated` and `RoomDeleted`: the room as GetRoom shows it, and its tenant. */
export interface RoomEventData extends RoomView {
  tenant: string;
}

/**
 * `data` of `rekey.chat.UserDisconnected`: tokens of `userId` for the room issued at or before
 * `revokedAt` no longer open a connection, and the gateway closes that user's connections.
 */
export interface UserDisconnectedData {
  tenant: string;
  roomArn: string;
  userId: string;
  reason: string | null;
  /** ISO 8601. */
  revokedAt: string;
}

/** `data` of `rekey.chat.MessageDeleted`: the gateway sends the room an `aws:DELETE_MESSAGE` event. */
export interface MessageDeletedData {
  tenant: string;
  roomArn: string;
  /** The operation id DeleteMessage answered (12 alphanumerics). */
  id: string;
  /** The id of the message to delete. */
  messageId: string;
  reason: string | null;
}

/** `data` of `rekey.chat.EventSent`: the gateway delivers the event to the room's clients. */
export interface EventSentData {
  tenant: string;
  roomArn: string;
  /** The id SendEvent answered (12 alphanumerics). */
  id: string;
  eventName: string;
  attributes: Record<string, string>;
  /** ISO 8601. */
  sendTime: string;
}
