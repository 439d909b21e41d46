import { EVENT_TYPES, EventSentData, MessageDeletedData, UserDisconnectedData } from '@rekey/contracts';
import { newEvent, RekeyEvent } from '@rekey/events';

type RoomScoped<T> = T & { tenant: string; roomArn: string };

function roomScoped<T>(type: string, data: RoomScoped<T>): RekeyEvent<RoomScoped<T>> {
  return newEvent('chat', { type, subject: data.roomArn, tenant: data.tenant, key: data.roomArn, data });
}

/** `rekey.chat.UserDisconnected`, for the gateway to close the user's connections. */
export const userDisconnected = (data: UserDisconnectedData) => roomScoped(EVENT_TYPES.chat.UserDisconnected, data);

/** `rekey.chat.MessageDeleted`, for the gateway to send `aws:DELETE_MESSAGE` to the room. */
export const messageDeleted = (data: MessageDeletedData) => roomScoped(EVENT_TYPES.chat.MessageDeleted, data);

/** `rekey.chat.EventSent`, for the gateway to deliver the event to the room's clients. */
export const eventSent = (data: EventSentData) => roomScoped(EVENT_TYPES.chat.EventSent, data);
