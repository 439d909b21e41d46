import { EVENT_TYPES, GatewayMessageDeletedData, GatewayUserDisconnectedData, MessageSentData } from '@rekey/contracts';
import { newEvent, RekeyEvent } from '@rekey/events';

function roomScoped<T extends { tenant: string; roomArn: string }>(type: string, data: T): RekeyEvent<T> {
  return newEvent('chat-gateway', { type, subject: data.roomArn, tenant: data.tenant, key: data.roomArn, data });
}

/** `rekey.chat-gateway.MessageSent`: a client's message, for every replica to deliver to the room. */
export const messageSent = (data: MessageSentData) => roomScoped(EVENT_TYPES['chat-gateway'].MessageSent, data);

/** `rekey.chat-gateway.MessageDeleted`: a client's DELETE_MESSAGE. */
export const gatewayMessageDeleted = (data: GatewayMessageDeletedData) => roomScoped(EVENT_TYPES['chat-gateway'].MessageDeleted, data);

/** `rekey.chat-gateway.UserDisconnected`: a client's DISCONNECT_USER. */
export const gatewayUserDisconnected = (data: GatewayUserDisconnectedData) => roomScoped(EVENT_TYPES['chat-gateway'].UserDisconnected, data);
