import { ClientMode, TagDto, TunnelCloseReason } from '@rekey/contracts';

/** Stored lifecycle state: PENDING is a reservation against the open-tunnel limit, invisible to callers. */
export type TunnelState = 'PENDING' | 'OPEN' | 'CLOSED';
/** The status callers see. */
export type TunnelStatus = 'OPEN' | 'CLOSED';
/** The two kinds of client of a tunnel, each with its own access token. */
export type AccessMode = 'SOURCE' | 'DESTINATION';

export interface DestinationConfig {
  thingName?: string;
  services: string[];
}

export interface ConnectionState {
  status: 'CONNECTED' | 'DISCONNECTED';
  lastUpdatedAt: Date;
}

/** A tunnel as the repository returns it. Tokens are never stored: only their SHA-256 (hex). */
export interface TunnelRecord {
  id: string;
  tenant: string;
  arn: string;
  state: TunnelState;
  description?: string;
  destinationConfig?: DestinationConfig;
  lifetimeMinutes: number;
  createdAt: Date;
  /** createdAt + lifetime: the tunnel is CLOSED from then on, whatever is stored. */
  expiresAt: Date;
  lastUpdatedAt: Date;
  closedAt?: Date;
  closeReason?: TunnelCloseReason;
  tags: TagDto[];
  tagsRevision: number;
  sourceTokenHash: string;
  destinationTokenHash: string;
  /** 1 at open, +1 per rotation (of any mode). */
  generation: number;
  sourceConnectionState: ConnectionState;
  destinationConnectionState: ConnectionState;
}

const ARN = /^arn:aws:iot:([a-z0-9-]+):(\d{12}):tunnel\/([a-zA-Z0-9_\-+=:]{1,128})$/;

/** The ARN AWS gives a tunnel: `arn:aws:iot:<region>:<account>:tunnel/<tunnelId>`. */
export function tunnelArn(region: string, tenant: string, tunnelId: string): string {
  return `arn:aws:iot:${region}:${tenant}:tunnel/${tunnelId}`;
}

/** The parts of a tunnel ARN, or undefined for anything else. */
export function parseTunnelArn(arn: string): { region: string; tenant: string; tunnelId: string } | undefined {
  const match = ARN.exec(arn);
  return match ? { region: match[1], tenant: match[2], tunnelId: match[3] } : undefined;
}

/** Expiry is computed at read time, so a tunnel past its lifetime is CLOSED without any background job. */
export function statusAt(tunnel: Pick<TunnelRecord, 'state' | 'expiresAt'>, now: Date): TunnelStatus {
  return tunnel.state === 'OPEN' && now.getTime() < tunnel.expiresAt.getTime() ? 'OPEN' : 'CLOSED';
}

/** The access modes whose tokens a rotation of `clientMode` replaces. */
export function modesOf(clientMode: ClientMode): AccessMode[] {
  return clientMode === 'ALL' ? ['SOURCE', 'DESTINATION'] : [clientMode];
}

/** Tags after TagResource: the given ones replace those of the same key, in first-seen key order. */
export function mergeTags(current: TagDto[], added: TagDto[]): TagDto[] {
  const byKey = new Map(current.map((tag) => [tag.key, tag.value]));
  for (const tag of added) byKey.set(tag.key, tag.value);
  return [...byKey].map(([key, value]) => ({ key, value }));
}
