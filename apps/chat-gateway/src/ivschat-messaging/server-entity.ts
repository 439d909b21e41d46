import { EventSentData, MessageDeletedData, MessageSentData, UserDisconnectedData } from '@rekey/contracts';
import { newIvschatId } from '@rekey/tokens';
import { MessagingError } from './messaging-error';

/**
 * What the server sends, exactly as the official client parses it: `Type`, a unique `Id` (the
 * client de-duplicates on it), PascalCase fields, string maps only, dates as ISO 8601 strings,
 * `RequestId` only when it answers that connection's request.
 */
export type ServerEntity = MessageEntity | EventEntity | ErrorEntity;

export interface MessageEntity {
  Type: 'MESSAGE';
  Id: string;
  RequestId?: string;
  Content: string;
  Attributes: Record<string, string>;
  SendTime: string;
  Sender: { UserId: string; Attributes: Record<string, string> };
}

export interface EventEntity {
  Type: 'EVENT';
  Id: string;
  RequestId?: string;
  EventName: string;
  Attributes: Record<string, string>;
  SendTime: string;
}

export interface ErrorEntity {
  Type: 'ERROR';
  Id: string;
  RequestId?: string;
  ErrorCode: number;
  ErrorMessage: string;
}

/** The system event names the official client dispatches (`messageDelete`, `userDisconnect`). */
export const SYSTEM_EVENTS = { deleteMessage: 'aws:DELETE_MESSAGE', disconnectUser: 'aws:DISCONNECT_USER' } as const;

const withRequestId = (requestId: string | null | undefined) => (requestId ? { RequestId: requestId } : {});

/** A message as a connection receives it; `requestId` only on the sender's own copy. */
export function messageEntity(message: Omit<MessageSentData, 'origin' | 'tenant' | 'roomArn'>, requestId: string | null = null): MessageEntity {
  return {
    Type: 'MESSAGE',
    Id: message.id,
    ...withRequestId(requestId),
    Content: message.content,
    Attributes: message.attributes,
    SendTime: message.sendTime,
    Sender: { UserId: message.sender.userId, Attributes: message.sender.attributes },
  };
}

/** A custom event (SendEvent); its `Id` is the one SendEvent answered. */
export function customEventEntity(event: Pick<EventSentData, 'id' | 'eventName' | 'attributes' | 'sendTime'>): EventEntity {
  return { Type: 'EVENT', Id: event.id, EventName: event.eventName, Attributes: event.attributes, SendTime: event.sendTime };
}

/**
 * `aws:DELETE_MESSAGE`: `MessageId` as documented and the deprecated `MessageID`, the only one the
 * official client reads (without it `deleteMessage()` never resolves).
 */
export function deleteMessageEntity(deletion: Pick<MessageDeletedData, 'id' | 'messageId' | 'reason'>, sendTime: string, requestId: string | null = null): EventEntity {
  return {
    Type: 'EVENT',
    Id: deletion.id,
    ...withRequestId(requestId),
    EventName: SYSTEM_EVENTS.deleteMessage,
    Attributes: { MessageId: deletion.messageId, MessageID: deletion.messageId, ...(deletion.reason ? { Reason: deletion.reason } : {}) },
    SendTime: sendTime,
  };
}

/** `aws:DISCONNECT_USER` with `UserId` and `Reason`, sent to the room before the user's sockets close. */
export function disconnectUserEntity(id: string, disconnect: Pick<UserDisconnectedData, 'userId' | 'reason'>, sendTime: string, requestId: string | null = null): EventEntity {
  return {
    Type: 'EVENT',
    Id: id,
    ...withRequestId(requestId),
    EventName: SYSTEM_EVENTS.disconnectUser,
    Attributes: { UserId: disconnect.userId, ...(disconnect.reason ? { Reason: disconnect.reason } : {}) },
    SendTime: sendTime,
  };
}

export function errorEntity(error: Pick<MessagingError, 'code' | 'message' | 'requestId'>): ErrorEntity {
  return { Type: 'ERROR', Id: newIvschatId(), ...withRequestId(error.requestId), ErrorCode: error.code, ErrorMessage: error.message };
}
