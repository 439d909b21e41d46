/** The deployables: one per AWS API and per data plane, each owning one database and one topic. */
export const APP_NAMES = ['bots', 'tunnels', 'chat', 'chat-gateway'] as const;
export type AppName = (typeof APP_NAMES)[number];

/** Default HTTP port per app (contracts.md, "Services"). */
export const DEFAULT_PORTS: Record<AppName, number> = { bots: 3001, tunnels: 3002, chat: 3003, 'chat-gateway': 3005 };
