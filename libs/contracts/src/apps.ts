/** The deployables, each owning one database and one topic: three AWS APIs, then the data planes. */
export const APP_NAMES = ['bots', 'tunnels', 'chat', 'tunnel-relay', 'chat-gateway'] as const;
export type AppName = (typeof APP_NAMES)[number];

/** Default HTTP port per app (contracts.md, "Services"). */
export const DEFAULT_PORTS: Record<AppName, number> = { bots: 3001, tunnels: 3002, chat: 3003, 'tunnel-relay': 3004, 'chat-gateway': 3005 };
