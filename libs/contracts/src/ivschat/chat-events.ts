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

/** Who sent a message, as the gateway's `MESSAGE` entity shows it (`Sender`). */
export interface MessageSenderData {
  userId: string;
  /** The attributes of the sender's chat token. */
  attributes: Record<string, string>;
}

/**
 * `data` of `rekey.chat-gateway.MessageSent` (topic `rekey.chat.messages.v1`, key = room ARN): a
 * message a client sent, as every gateway replica delivers it to the room's connections, in
 * topic order per room.
 */
export interface MessageSentData {
  tenant: string;
  roomArn: string;
  /** The message `Id` (12 alphanumerics); DeleteMessage takes it. */
  id: string;
  content: string;
  attributes: Record<string, string>;
  sender: MessageSenderData;
  /** ISO 8601. */
  sendTime: string;
  /**
   * The gateway connection that sent it, and the client's `RequestId`: only that connection's
   * copy echoes the `RequestId`. An opaque id, meaningless outside the gateway.
   */
  origin: { connectionId: string; requestId: string | null };
}

/**
 * `data` of `rekey.chat-gateway.MessageDeleted` and `rekey.chat-gateway.UserDisconnected`: a
 * client's `DELETE_MESSAGE` / `DISCONNECT_USER`, acted on by every gateway replica as the chat
 * app's `MessageDeleted` / `UserDisconnected` are, plus the requesting connection.
 */
export interface GatewayActionOrigin {
  origin: { connectionId: string; requestId: string | null };
}
