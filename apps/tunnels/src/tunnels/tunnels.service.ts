import { Inject, Injectable } from '@nestjs/common';
import { keysetPage, PaginationTokens, readKeysetCursor, ServiceError } from '@rekey/aws-protocol';
import {
  CloseTunnelRequest,
  ListTunnelsRequest,
  MAX_TUNNEL_LIFETIME_MINUTES,
  MAX_TUNNEL_TAGS,
  OpenTunnelRequest,
  RotateTunnelAccessTokenRequest,
  TagDto,
  TagTunnelRequest,
  UntagTunnelRequest,
} from '@rekey/contracts';
import { REKEY_CONFIG, RekeyConfig, TokenMetrics } from '@rekey/platform';
import { generateToken, sha256Hex } from '@rekey/tokens';
import { randomUUID } from 'node:crypto';
import { Clock } from './clock';
import { AccessMode, mergeTags, modesOf, parseTunnelArn, statusAt, TOKEN_KINDS, tunnelArn, TunnelRecord } from './tunnel';
import { IssuedTokens, TunnelEvents } from './tunnels.events';
import { TunnelsRepository } from './tunnels.repository';

/** A reservation older than this belongs to a request that died; it no longer counts against the limit. */
export const RESERVATION_TTL_MS = 60_000;
const DEFAULT_PAGE_SIZE = 100;
const MINUTE_MS = 60_000;

export interface OpenedTunnel {
  tunnel: TunnelRecord;
  sourceAccessToken: string;
  destinationAccessToken: string;
}

export interface RotatedTunnel {
  tunnel: TunnelRecord;
  tokens: IssuedTokens;
}

/** Fresh CSPRNG tokens for the given modes, distinct from one another. */
function issueTokens(modes: AccessMode[]): IssuedTokens {
  const tokens: IssuedTokens = {};
  for (const mode of modes) {
    let token: string;
    do token = generateToken();
    while (Object.values(tokens).includes(token));
    tokens[mode] = token;
  }
  return tokens;
}

const notFound = (tunnelId: string) => new ServiceError('NotFound', `Tunnel ${tunnelId} not found`);

const resourceNotFound = (resourceArn: string) => new ServiceError('NotFound', `Resource ${resourceArn} not found`);

const byCreation = (tunnel: TunnelRecord) => ({ at: tunnel.createdAt.getTime(), id: tunnel.id });

/** The rules of IoT Secure Tunneling: lifecycle, token rotation, expiry, tags, the open-tunnel limit. */
@Injectable()
export class TunnelsService {
  constructor(
    private readonly tunnels: TunnelsRepository,
    private readonly events: TunnelEvents,
    private readonly clock: Clock,
    private readonly pagination: PaginationTokens,
    private readonly metrics: TokenMetrics,
    @Inject(REKEY_CONFIG) private readonly config: RekeyConfig,
  ) {}

  /**
   * Reserve, count, then activate: the reservation is inserted before counting, so of any set of
   * concurrent opens the last to count sees all the others, and the limit is never exceeded (at
   * worst, opens racing for the last slot may all be refused). Only activation records the event.
   */
  async open(tenant: string, input: OpenTunnelRequest): Promise<OpenedTunnel> {
    const now = this.clock.now();
    const id = randomUUID();
    const lifetimeMinutes = input.timeoutConfig?.maxLifetimeTimeoutMinutes ?? MAX_TUNNEL_LIFETIME_MINUTES;
    const tokens = issueTokens(['SOURCE', 'DESTINATION']);
    const disconnected = { status: 'DISCONNECTED' as const, lastUpdatedAt: now };
    const tunnel: TunnelRecord = {
      id,
      tenant,
      arn: tunnelArn(this.config.awsRegion, tenant, id),
      state: 'OPEN',
      description: input.description,
      destinationConfig: input.destinationConfig && { thingName: input.destinationConfig.thingName, services: input.destinationConfig.services },
      lifetimeMinutes,
      createdAt: now,
      expiresAt: new Date(now.getTime() + lifetimeMinutes * MINUTE_MS),
      lastUpdatedAt: now,
      tags: mergeTags([], input.tags ?? []),
      tagsRevision: 0,
      sourceTokenHash: sha256Hex(tokens.SOURCE!),
      destinationTokenHash: sha256Hex(tokens.DESTINATION!),
      generation: 1,
      sourceConnectionState: disconnected,
      destinationConnectionState: disconnected,
    };
    await this.tunnels.reserve(tunnel);
    let activated = false;
    try {
      const counted = await this.tunnels.countOpenOrReserved(tenant, now, new Date(now.getTime() - RESERVATION_TTL_MS));
      if (counted > this.config.maxOpenTunnels) {
        throw new ServiceError('LimitExceeded', `Account ${tenant} already has the maximum of ${this.config.maxOpenTunnels} open tunnels`);
      }
      activated = await this.tunnels.activate(tenant, id, this.events.opened(tunnel, tokens));
      if (!activated) throw new Error(`reservation of tunnel ${id} vanished before activation`);
    } finally {
      if (!activated) await this.tunnels.release(tenant, id);
    }
    this.metrics.issued('SourceAccessToken');
    this.metrics.issued('DestinationAccessToken');
    return { tunnel, sourceAccessToken: tokens.SOURCE!, destinationAccessToken: tokens.DESTINATION! };
  }

  /**
   * Replaces the verifiers of the rotated mode(s) atomically, so the old tokens stop verifying at
   * once; the new tokens live only until the tunnel's existing end of life.
   */
  async rotate(tenant: string, input: RotateTunnelAccessTokenRequest): Promise<RotatedTunnel> {
    if (input.clientMode === 'SOURCE' && input.destinationConfig !== undefined) {
      throw new ServiceError('Validation', 'DestinationConfig cannot be used with clientMode SOURCE', {
        fieldList: [{ name: 'destinationConfig', message: 'cannot be used with clientMode SOURCE' }],
      });
    }
    const modes = modesOf(input.clientMode);
    let tokens: IssuedTokens = {};
    const tunnel = await this.tunnels.rotate(tenant, input.tunnelId, (current) => {
      const now = this.clock.now();
      if (statusAt(current, now) === 'CLOSED') throw new ServiceError('NotFound', `Tunnel ${input.tunnelId} is closed`);
      tokens = issueTokens(modes);
      const changes = {
        ...(tokens.SOURCE !== undefined && { sourceTokenHash: sha256Hex(tokens.SOURCE) }),
        ...(tokens.DESTINATION !== undefined && { destinationTokenHash: sha256Hex(tokens.DESTINATION) }),
        ...(input.destinationConfig && { destinationConfig: { thingName: input.destinationConfig.thingName, services: input.destinationConfig.services } }),
        generation: current.generation + 1,
        lastUpdatedAt: now,
      };
      return { changes, event: this.events.tokenRotated({ ...current, ...changes }, input.clientMode, tokens, now), now };
    });
    if (!tunnel) throw notFound(input.tunnelId);
    for (const mode of modes) this.metrics.rotated(TOKEN_KINDS[mode]);
    return { tunnel, tokens };
  }

  async describe(tenant: string, tunnelId: string): Promise<TunnelRecord> {
    const tunnel = await this.tunnels.find(tenant, tunnelId);
    if (!tunnel) throw notFound(tunnelId);
    return tunnel;
  }

  async list(tenant: string, input: ListTunnelsRequest): Promise<{ tunnels: TunnelRecord[]; nextToken?: string }> {
    const scope = `ListTunnels:${input.thingName ?? ''}`;
    const after = readKeysetCursor(this.pagination, input.nextToken, tenant, scope);
    const limit = input.maxResults ?? DEFAULT_PAGE_SIZE;
    const page = keysetPage(this.pagination, await this.tunnels.list(tenant, { thingName: input.thingName, after, limit }), limit, tenant, scope, byCreation);
    return { tunnels: page.items, nextToken: page.nextToken };
  }

  /**
   * Closes an open tunnel (its tokens die at once) and records TunnelClosed; closing a closed tunnel
   * is a no-op, unless `delete` asks for its data to go, which records TunnelClosed with deleted.
   */
  async close(tenant: string, input: CloseTunnelRequest): Promise<void> {
    const deleted = input.delete === true;
    const found = await this.tunnels.closeOrDelete(tenant, input.tunnelId, (tunnel) => {
      if (tunnel.state !== 'OPEN' && !deleted) return null;
      const now = this.clock.now();
      const expired = statusAt(tunnel, now) === 'CLOSED';
      const [closedAt, reason] =
        tunnel.state === 'OPEN' ? [expired ? tunnel.expiresAt : now, expired ? ('EXPIRED' as const) : ('CLOSED' as const)] : [tunnel.closedAt ?? tunnel.expiresAt, tunnel.closeReason ?? 'CLOSED'];
      return { changes: { closedAt, closeReason: reason, lastUpdatedAt: now, deleted }, event: this.events.closed(tunnel, { reason, deleted, closedAt }) };
    });
    if (!found) throw notFound(input.tunnelId);
  }

  async listTags(tenant: string, resourceArn: string): Promise<TagDto[]> {
    return (await this.byArn(tenant, resourceArn)).tags;
  }

  async tag(tenant: string, input: TagTunnelRequest): Promise<void> {
    await this.changeTags(tenant, input.resourceArn, (tags) => mergeTags(tags, input.tags));
  }

  async untag(tenant: string, input: UntagTunnelRequest): Promise<void> {
    const removed = new Set(input.tagKeys);
    await this.changeTags(tenant, input.resourceArn, (tags) => tags.filter((tag) => !removed.has(tag.key)));
  }

  private async changeTags(tenant: string, resourceArn: string, change: (tags: TagDto[]) => TagDto[]): Promise<void> {
    const changed = await this.tunnels.changeTags(tenant, this.tunnelIdOf(tenant, resourceArn), (tunnel) => {
      if (tunnel.arn !== resourceArn) throw resourceNotFound(resourceArn);
      const tags = change(tunnel.tags);
      if (tags.length > MAX_TUNNEL_TAGS) {
        throw new ServiceError('Validation', `A tunnel can have at most ${MAX_TUNNEL_TAGS} tags`, { fieldList: [{ name: 'tags', message: `at most ${MAX_TUNNEL_TAGS} per tunnel` }] });
      }
      return { tags, lastUpdatedAt: this.clock.now() };
    });
    if (!changed) throw resourceNotFound(resourceArn);
  }

  /** Another account's or another region's ARN answers as if the tunnel did not exist. */
  private async byArn(tenant: string, resourceArn: string): Promise<TunnelRecord> {
    const tunnel = await this.tunnels.find(tenant, this.tunnelIdOf(tenant, resourceArn));
    if (!tunnel || tunnel.arn !== resourceArn) throw resourceNotFound(resourceArn);
    return tunnel;
  }

  /** The tunnel id of an ARN of this tenant and region. */
  private tunnelIdOf(tenant: string, resourceArn: string): string {
    const parsed = parseTunnelArn(resourceArn);
    if (!parsed || parsed.tenant !== tenant || parsed.region !== this.config.awsRegion) throw resourceNotFound(resourceArn);
    return parsed.tunnelId;
  }
}
