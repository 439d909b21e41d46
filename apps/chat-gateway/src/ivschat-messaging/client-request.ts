import { ATTRIBUTES_LIMITS, IVSCHAT_ID_PATTERN } from '@rekey/contracts';
import { MessagingError } from './messaging-error';

/** The client actions of the messaging API and the capability each needs (viewing needs none). */
export const CLIENT_ACTIONS = ['SEND_MESSAGE', 'DELETE_MESSAGE', 'DISCONNECT_USER'] as const;
export type ClientAction = (typeof CLIENT_ACTIONS)[number];

export interface SendMessageRequest {
  action: 'SEND_MESSAGE';
  requestId: string | null;
  content: string;
  attributes: Record<string, string>;
}

export interface DeleteMessageRequest {
  action: 'DELETE_MESSAGE';
  requestId: string | null;
  /** The `Id` of the message to delete. */
  id: string;
  reason: string | null;
}

export interface DisconnectUserRequest {
  action: 'DISCONNECT_USER';
  requestId: string | null;
  userId: string;
  reason: string | null;
}

export type ClientRequest = SendMessageRequest | DeleteMessageRequest | DisconnectUserRequest;

/** `Reason` of DELETE_MESSAGE / DISCONNECT_USER, as the control-plane twins limit it. */
const REASON_MAX = 256;
/** `UserId`: 1..128 characters, as CreateChatToken limits it. */
const USER_ID_MAX = 128;
/** `RequestId`: the official client sends a UUID; anything longer than this is not a request id. */
const REQUEST_ID_MAX = 128;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function optionalString(frame: Record<string, unknown>, field: string, max: number, requestId: string | null): string | null {
  const value = frame[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new MessagingError(400, `${field} must be a string of 1 to ${max} characters`, requestId);
  }
  return value;
}

function attributesOf(frame: Record<string, unknown>, requestId: string | null): Record<string, string> {
  const value = frame.Attributes;
  if (value === undefined || value === null) return {};
  if (!isRecord(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new MessagingError(400, 'Attributes must be a map of strings to strings', requestId);
  }
  const attributes = value as Record<string, string>;
  const bytes = Object.entries(attributes).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (bytes > ATTRIBUTES_LIMITS.maxTotalBytes) throw new MessagingError(413, `Attributes exceed ${ATTRIBUTES_LIMITS.maxTotalBytes} bytes`, requestId);
  return attributes;
}

/**
 * Parses one text frame of the messaging WebSocket (PascalCase JSON, as the official client
 * serializes its requests). Throws {@link MessagingError} 400 for anything malformed, 413 for
 * attributes over their limit; the room's own limits (length, rate) are checked later.
 */
export function parseClientRequest(text: string): ClientRequest {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    throw new MessagingError(400, 'The request is not valid JSON', null);
  }
  if (!isRecord(frame)) throw new MessagingError(400, 'The request must be a JSON object', null);
  const rawRequestId = frame.RequestId;
  const requestId = typeof rawRequestId === 'string' && rawRequestId.length > 0 && rawRequestId.length <= REQUEST_ID_MAX ? rawRequestId : null;
  if (rawRequestId !== undefined && requestId === null) throw new MessagingError(400, `RequestId must be a string of 1 to ${REQUEST_ID_MAX} characters`, null);
  switch (frame.Action) {
    case 'SEND_MESSAGE': {
      if (typeof frame.Content !== 'string' || frame.Content.length === 0) throw new MessagingError(400, 'Content must be a non-empty string', requestId);
      return { action: 'SEND_MESSAGE', requestId, content: frame.Content, attributes: attributesOf(frame, requestId) };
    }
    case 'DELETE_MESSAGE': {
      if (typeof frame.Id !== 'string' || !IVSCHAT_ID_PATTERN.test(frame.Id)) throw new MessagingError(400, 'Id must be the 12-character Id of a message', requestId);
      return { action: 'DELETE_MESSAGE', requestId, id: frame.Id, reason: optionalString(frame, 'Reason', REASON_MAX, requestId) };
    }
    case 'DISCONNECT_USER': {
      const userId = optionalString(frame, 'UserId', USER_ID_MAX, requestId);
      if (userId === null) throw new MessagingError(400, 'UserId is required', requestId);
      return { action: 'DISCONNECT_USER', requestId, userId, reason: optionalString(frame, 'Reason', REASON_MAX, requestId) };
    }
    default:
      throw new MessagingError(400, `Action must be one of ${CLIENT_ACTIONS.join(', ')}`, requestId);
  }
}

/** Content length as the room limits it: in code points, not UTF-16 units. */
export function codePointLength(text: string): number {
  return [...text].length;
}
