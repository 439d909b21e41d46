import { AppName } from '../apps';

/** One topic per producing app (contracts.md, "Events"). Nothing else defines a topic string. */
export const TOPICS: Record<AppName, string> = {
  bots: 'rekey.bots.v1',
  tunnels: 'rekey.tunnels.v1',
  chat: 'rekey.chat.v1',
  'chat-gateway': 'rekey.chat.messages.v1',
  'tunnel-relay': 'rekey.tunnel-relay.v1',
};

/** `ce_source` of each producer. */
export const EVENT_SOURCES: Record<AppName, string> = {
  bots: '/rekey/bots',
  tunnels: '/rekey/tunnels',
  chat: '/rekey/chat',
  'chat-gateway': '/rekey/chat-gateway',
  'tunnel-relay': '/rekey/tunnel-relay',
};

/** `ce_type` names. Nothing else defines a type string. */
export const EVENT_TYPES = {
  bots: {
    AccountCreated: 'rekey.bots.AccountCreated',
    AccountUpdated: 'rekey.bots.AccountUpdated',
    AccountDeleted: 'rekey.bots.AccountDeleted',
    BotCreated: 'rekey.bots.BotCreated',
    BotUpdated: 'rekey.bots.BotUpdated',
    TokenRotated: 'rekey.bots.TokenRotated',
    EventsConfigurationChanged: 'rekey.bots.EventsConfigurationChanged',
    DeliveryRequested: 'rekey.bots.DeliveryRequested',
    EventDelivered: 'rekey.bots.EventDelivered',
    EventDeliveryFailed: 'rekey.bots.EventDeliveryFailed',
  },
  tunnels: {
    TunnelOpened: 'rekey.tunnels.TunnelOpened',
    TokenRotated: 'rekey.tunnels.TokenRotated',
    TunnelClosed: 'rekey.tunnels.TunnelClosed',
  },
  chat: {
    RoomCreated: 'rekey.chat.RoomCreated',
    RoomUpdated: 'rekey.chat.RoomUpdated',
    RoomDeleted: 'rekey.chat.RoomDeleted',
    ChatTokenCreated: 'rekey.chat.ChatTokenCreated',
    UserDisconnected: 'rekey.chat.UserDisconnected',
    MessageDeleted: 'rekey.chat.MessageDeleted',
    EventSent: 'rekey.chat.EventSent',
  },
  'chat-gateway': {
    MessageSent: 'rekey.chat-gateway.MessageSent',
    MessageDeleted: 'rekey.chat-gateway.MessageDeleted',
    UserDisconnected: 'rekey.chat-gateway.UserDisconnected',
  },
  'tunnel-relay': {
    PeerConnected: 'rekey.tunnel-relay.PeerConnected',
    PeerDisconnected: 'rekey.tunnel-relay.PeerDisconnected',
  },
} as const;

/**
 * Command topic of trusted producers asking the bots app to deliver Chime bot events
 * (`rekey.bots.DeliveryRequested`, keyed by bot id); the outcomes are on TOPICS.bots.
 */
export const BOT_DELIVERIES_TOPIC = 'rekey.bots.deliveries.v1';
