import { EVENT_TYPES } from '@rekey/contracts';

/**
 * The payload type (exported by libs/contracts) of each event type, as the producers build them.
 * Replace with the contracts' own catalog of payload classes once it exists (issue #14).
 */
export const EVENT_PAYLOADS: Record<string, string> = {
  [EVENT_TYPES.bots.AccountCreated]: 'AccountEventData',
  [EVENT_TYPES.bots.AccountUpdated]: 'AccountEventData',
  [EVENT_TYPES.bots.AccountDeleted]: 'AccountDeletedData',
  [EVENT_TYPES.bots.BotCreated]: 'BotCreatedData',
  [EVENT_TYPES.bots.BotUpdated]: 'BotEventData',
  [EVENT_TYPES.bots.TokenRotated]: 'TokenRotatedData',
  [EVENT_TYPES.bots.EventsConfigurationChanged]: 'EventsConfigurationChangedData',
  [EVENT_TYPES.tunnels.TunnelOpened]: 'TunnelOpenedData',
  [EVENT_TYPES.tunnels.TokenRotated]: 'TunnelTokenRotatedData',
  [EVENT_TYPES.tunnels.TunnelClosed]: 'TunnelClosedData',
  [EVENT_TYPES.chat.RoomCreated]: 'RoomEventData',
  [EVENT_TYPES.chat.RoomUpdated]: 'RoomEventData',
  [EVENT_TYPES.chat.RoomDeleted]: 'RoomEventData',
  [EVENT_TYPES.chat.ChatTokenCreated]: 'ChatTokenCreatedData',
  [EVENT_TYPES.chat.UserDisconnected]: 'UserDisconnectedData',
  [EVENT_TYPES.chat.MessageDeleted]: 'MessageDeletedData',
  [EVENT_TYPES.chat.EventSent]: 'EventSentData',
};
