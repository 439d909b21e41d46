import { AppName } from '../apps';
import { DeliveryRequestedData, EventDeliveredData, EventDeliveryFailedData } from '../chime/chime-deliveries';
import { AccountDeletedData, AccountEventData, BotCreatedData, BotEventData, EventsConfigurationChangedData } from '../chime/chime-events';
import { EventSentData, GatewayMessageDeletedData, GatewayUserDisconnectedData, MessageDeletedData, MessageSentData, RoomEventData, UserDisconnectedData } from '../ivschat/chat-events';
import { PeerConnectionData } from '../tunnels/peer-events';
import { TunnelClosedData, TunnelOpenedData, TunnelTokenRotatedData } from '../tunnels/tunnel-events';
import { ChatTokenCreatedData, TokenRotatedData } from './token-rotated';
import { BOT_DELIVERIES_TOPIC, EVENT_TYPES, TOPICS } from './topics';

/** What a consumer needs to know of an event type: where it is published and the class its `data` validates against. */
export interface EventContract<T extends object = object> {
  topic: string;
  payload: new () => T;
}

const of = <T extends object>(app: AppName, payload: new () => T): EventContract<T> => ({ topic: TOPICS[app], payload });

/** Every event type (`ce_type`) with its topic and payload class. Nothing else pairs a type with a topic. */
export const EVENT_CATALOG: Readonly<Record<string, EventContract>> = {
  [EVENT_TYPES.bots.AccountCreated]: of('bots', AccountEventData),
  [EVENT_TYPES.bots.AccountUpdated]: of('bots', AccountEventData),
  [EVENT_TYPES.bots.AccountDeleted]: of('bots', AccountDeletedData),
  [EVENT_TYPES.bots.BotCreated]: of('bots', BotCreatedData),
  [EVENT_TYPES.bots.BotUpdated]: of('bots', BotEventData),
  [EVENT_TYPES.bots.TokenRotated]: of('bots', TokenRotatedData),
  [EVENT_TYPES.bots.EventsConfigurationChanged]: of('bots', EventsConfigurationChangedData),
  [EVENT_TYPES.tunnels.TunnelOpened]: of('tunnels', TunnelOpenedData),
  [EVENT_TYPES.tunnels.TokenRotated]: of('tunnels', TunnelTokenRotatedData),
  [EVENT_TYPES.tunnels.TunnelClosed]: of('tunnels', TunnelClosedData),
  [EVENT_TYPES.chat.RoomCreated]: of('chat', RoomEventData),
  [EVENT_TYPES.chat.RoomUpdated]: of('chat', RoomEventData),
  [EVENT_TYPES.chat.RoomDeleted]: of('chat', RoomEventData),
  [EVENT_TYPES.chat.ChatTokenCreated]: of('chat', ChatTokenCreatedData),
  [EVENT_TYPES.chat.UserDisconnected]: of('chat', UserDisconnectedData),
  [EVENT_TYPES.chat.MessageDeleted]: of('chat', MessageDeletedData),
  [EVENT_TYPES.chat.EventSent]: of('chat', EventSentData),
  [EVENT_TYPES.bots.DeliveryRequested]: { topic: BOT_DELIVERIES_TOPIC, payload: DeliveryRequestedData },
  [EVENT_TYPES.bots.EventDelivered]: of('bots', EventDeliveredData),
  [EVENT_TYPES.bots.EventDeliveryFailed]: of('bots', EventDeliveryFailedData),
  [EVENT_TYPES['chat-gateway'].MessageSent]: of('chat-gateway', MessageSentData),
  [EVENT_TYPES['chat-gateway'].MessageDeleted]: of('chat-gateway', GatewayMessageDeletedData),
  [EVENT_TYPES['chat-gateway'].UserDisconnected]: of('chat-gateway', GatewayUserDisconnectedData),
  [EVENT_TYPES['tunnel-relay'].PeerConnected]: of('tunnel-relay', PeerConnectionData),
  [EVENT_TYPES['tunnel-relay'].PeerDisconnected]: of('tunnel-relay', PeerConnectionData),
};

/** The contract of `type`; throws for a type the catalog does not know (a handler's typo). */
export function eventContract(type: string): EventContract {
  const contract = Object.hasOwn(EVENT_CATALOG, type) ? EVENT_CATALOG[type] : undefined;
  if (!contract) throw new Error(`unknown event type ${type}: add it to EVENT_TYPES and EVENT_CATALOG (libs/contracts)`);
  return contract;
}
