import { Injectable } from '@nestjs/common';
import { keysetPage, PaginationTokens, readKeysetCursor, ServiceError } from '@rekey/aws-protocol';
import { BotPath, BotView, CreateBotRequest, EventsConfigurationView, LIST_BOTS_LIMITS, ListBotsRequest, PutEventsConfigurationRequest, UpdateBotRequest } from '@rekey/contracts';
import { TokenMetrics } from '@rekey/platform';
import { randomUUID } from 'node:crypto';
import { accountNotFound } from '../accounts/accounts.errors';
import { AccountMembers } from '../accounts/account-members';
import { AccountsService } from '../accounts/accounts.service';
import { EndpointVerifier } from '../outbound/endpoint-verifier';
import { botDisplayName, botEmail } from './bot-email';
import { StoredEventsConfiguration } from './bot.schema';
import { botCreated, botDeleted, botUpdated, eventsConfigurationChanged, tokenRotated } from './bots.events';
import { BotRecord, BotsRepository } from './bots.repository';
import { SecurityTokens } from './security-tokens';

const byCreation = (bot: BotRecord) => ({ at: bot.createdAt.getTime(), id: bot.id });

const botNotFound = (id: string) => new ServiceError('NotFound', `The bot ${id} was not found`);

/** A bot as deliveries name it. */
export interface BotKey {
  tenant: string;
  accountId: string;
  botId: string;
}

/** What a delivery needs of a bot at the moment of sending: null endpoint for a bot that gets no events here. */
export interface DeliveryTarget {
  disabled: boolean;
  endpoint: string | null;
  securityToken: string;
  /** The token's generation (TokenRotated carries it). */
  generation: number;
}

/** Told of each change of a bot this replica writes, once it is written and before the API answers. */
export interface BotChangeObserver {
  botChanged(key: BotKey): void;
}

const owner = (bot: Pick<BotRecord, 'tenant' | 'accountId' | 'id'>) => ({ tenant: bot.tenant, accountId: bot.accountId, botId: bot.id });

/** Chime bots: creation, updates, security token rotation and the events configuration. A bot lives only in a live account of its tenant. */
@Injectable()
export class BotsService implements AccountMembers {
  private observer?: BotChangeObserver;

  constructor(
    private readonly bots: BotsRepository,
    private readonly accounts: AccountsService,
    private readonly tokens: SecurityTokens,
    private readonly tokenMetrics: TokenMetrics,
    private readonly paginationTokens: PaginationTokens,
    private readonly endpoints: EndpointVerifier,
  ) {}

  /** The delivery targets' projection registers here, so that a change applies on this replica before it is answered (bots do not depend on deliveries). */
  observeChanges(observer: BotChangeObserver): void {
    this.observer = observer;
  }

  /** A new `ChatBot` with its own user id, Chime's email form and a first security token (generation 1). */
  async create(tenant: string, accountId: string, input: CreateBotRequest): Promise<BotView> {
    await this.accounts.requireLive(tenant, accountId);
    const now = new Date();
    const id = randomUUID();
    const token = this.tokens.issue();
    const bot: BotRecord = {
      id,
      tenant,
      accountId,
      userId: randomUUID(),
      displayName: botDisplayName(input.DisplayName),
      botEmail: botEmail(input.DisplayName, input.Domain),
      disabled: false,
      securityToken: this.tokens.seal(token, { tenant, accountId, botId: id }),
      generation: 1,
      eventsConfiguration: null,
      createdAt: now,
      updatedAt: now,
      revision: 1,
    };
    await this.bots.create(bot, botCreated(bot, token));
    this.tokenMetrics.issued('SecurityToken');
    // DeleteAccount may have swept the account's bots between the check above and the insert.
    if (!(await this.accounts.isLive(tenant, accountId))) {
      await this.bots.remove(tenant, accountId, id, (current) => botDeleted(current, new Date()));
      this.observer?.botChanged({ tenant, accountId, botId: id });
      throw accountNotFound(accountId);
    }
    return this.view(bot, token);
  }

  async get(tenant: string, path: BotPath): Promise<BotView> {
    return this.view(await this.requireBot(tenant, path));
  }

  async list(tenant: string, accountId: string, input: ListBotsRequest): Promise<{ Bots: BotView[]; NextToken?: string }> {
    await this.accounts.requireLive(tenant, accountId);
    const scope = `ListBots\0${accountId}`;
    const after = readKeysetCursor(this.paginationTokens, input.NextToken, tenant, scope);
    const limit = input.MaxResults ?? LIST_BOTS_LIMITS.default;
    const page = keysetPage(this.paginationTokens, await this.bots.list(tenant, accountId, after, limit), limit, tenant, scope, byCreation);
    return { Bots: page.items.map((bot) => this.view(bot)), NextToken: page.nextToken };
  }

  async update(tenant: string, path: BotPath, input: UpdateBotRequest): Promise<BotView> {
    return this.view(
      await this.change(tenant, path, (current) => {
        if (input.Disabled === undefined || input.Disabled === current.disabled) return null;
        const next = { ...current, disabled: input.Disabled, updatedAt: new Date() };
        return { set: { disabled: next.disabled, updatedAt: next.updatedAt }, events: [botUpdated(next)] };
      }),
    );
  }

  /**
   * A new token, its generation and UpdatedTimestamp in one conditional write with its
   * TokenRotated event; concurrent rotations each get their own generation. A disabled bot can be
   * rotated, as in Chime.
   */
  async regenerateSecurityToken(tenant: string, path: BotPath): Promise<BotView> {
    const token = this.tokens.issue();
    const securityToken = this.tokens.seal(token, { tenant, accountId: path.AccountId, botId: path.BotId });
    const rotated = await this.change(tenant, path, (current) => {
      const next = { ...current, securityToken, generation: current.generation + 1, updatedAt: new Date() };
      return { set: { securityToken, generation: next.generation, updatedAt: next.updatedAt }, events: [tokenRotated(next, token)] };
    });
    this.tokenMetrics.rotated('SecurityToken');
    return this.view(rotated, token);
  }

  /**
   * Exactly one target: an HTTPS endpoint or a Lambda function ARN ("choose either", says the
   * model). An endpoint is stored only once it answered Chime's challenge, signed with the bot's
   * current token; a Lambda ARN is stored as given (nothing invokes Lambda here).
   */
  async putEventsConfiguration(tenant: string, path: BotPath, input: PutEventsConfigurationRequest): Promise<EventsConfigurationView> {
    const { OutboundEventsHTTPSEndpoint: endpoint, LambdaFunctionArn: lambda } = input;
    if ((endpoint === undefined) === (lambda === undefined)) {
      throw new ServiceError('Validation', 'Give exactly one of OutboundEventsHTTPSEndpoint and LambdaFunctionArn');
    }
    if (endpoint !== undefined) {
      this.endpoints.assertCallable(endpoint);
      const bot = await this.requireBot(tenant, path);
      await this.endpoints.verify(endpoint, this.tokens.open(bot.securityToken, owner(bot)));
    }
    const config: StoredEventsConfiguration = endpoint !== undefined ? { outboundEventsHTTPSEndpoint: endpoint } : { lambdaFunctionArn: lambda };
    const bot = await this.setEventsConfiguration(tenant, path, config);
    return eventsConfigurationView(bot);
  }

  async getEventsConfiguration(tenant: string, path: BotPath): Promise<EventsConfigurationView> {
    const bot = await this.requireBot(tenant, path);
    if (!bot.eventsConfiguration) throw new ServiceError('NotFound', `The bot ${path.BotId} has no events configuration`);
    return eventsConfigurationView(bot);
  }

  /** Idempotent: a bot without a configuration answers 204 too, with no event. */
  async deleteEventsConfiguration(tenant: string, path: BotPath): Promise<void> {
    await this.setEventsConfiguration(tenant, path, null);
  }

  /** Deletes every bot of the account, each with its own last event (DeleteAccount). */
  async deleteAllOfAccount(tenant: string, accountId: string): Promise<void> {
    for (const id of await this.bots.idsOfAccount(tenant, accountId)) {
      await this.bots.remove(tenant, accountId, id, (current) => botDeleted(current, new Date()));
      this.observer?.botChanged({ tenant, accountId, botId: id });
    }
  }

  /** Bots are this service's users: ListAccounts' user-email filter finds the accounts of bots with that email. */
  accountIdsOfMemberEmail(tenant: string, email: string): Promise<string[]> {
    return this.bots.accountIdsOfEmail(tenant, email);
  }

  /**
   * The bots' state for delivery attempts, read now, in the order of `keys`; null for a bot that
   * does not exist or whose account is not live. Two queries however many bots.
   */
  async deliveryTargets(keys: BotKey[]): Promise<Array<DeliveryTarget | null>> {
    const [live, bots] = await Promise.all([this.accounts.liveOf(keys.map(({ tenant, accountId }) => ({ tenant, id: accountId }))), this.bots.findMany(keys.map(({ botId }) => botId))]);
    const byId = new Map(bots.map((bot) => [bot.id, bot]));
    return keys.map(({ tenant, accountId, botId }) => {
      const bot = byId.get(botId);
      if (!bot || bot.tenant !== tenant || bot.accountId !== accountId || !live.has(`${tenant}/${accountId}`)) return null;
      return { disabled: bot.disabled, endpoint: bot.eventsConfiguration?.outboundEventsHTTPSEndpoint ?? null, securityToken: this.tokens.open(bot.securityToken, owner(bot)), generation: bot.generation };
    });
  }

  private async setEventsConfiguration(tenant: string, path: BotPath, config: StoredEventsConfiguration | null): Promise<BotRecord> {
    return this.change(tenant, path, (current) => {
      if (JSON.stringify(current.eventsConfiguration) === JSON.stringify(config)) return null;
      const next = { ...current, eventsConfiguration: config };
      return { set: { eventsConfiguration: config }, events: [eventsConfigurationChanged(next, new Date())] };
    });
  }

  /** A change of a bot of a live account, or NotFound. */
  private async change(tenant: string, path: BotPath, decide: Parameters<BotsRepository['change']>[3]): Promise<BotRecord> {
    await this.accounts.requireLive(tenant, path.AccountId);
    const bot = await this.bots.change(tenant, path.AccountId, path.BotId, decide);
    if (!bot) throw botNotFound(path.BotId);
    this.observer?.botChanged({ tenant, accountId: path.AccountId, botId: path.BotId });
    return bot;
  }

  /** The account check and the bot read go out together: one round trip of latency, and still no bot of an account DeleteAccount has marked. */
  private async requireBot(tenant: string, path: BotPath): Promise<BotRecord> {
    const [, bot] = await Promise.all([this.accounts.requireLive(tenant, path.AccountId), this.bots.find(tenant, path.AccountId, path.BotId)]);
    if (!bot) throw botNotFound(path.BotId);
    return bot;
  }

  /** The wire shape, with the token decrypted (or the one just issued). */
  private view(bot: BotRecord, token = this.tokens.open(bot.securityToken, owner(bot))): BotView {
    return {
      BotId: bot.id,
      UserId: bot.userId,
      DisplayName: bot.displayName,
      BotType: 'ChatBot',
      Disabled: bot.disabled,
      CreatedTimestamp: bot.createdAt.toISOString(),
      UpdatedTimestamp: bot.updatedAt.toISOString(),
      BotEmail: bot.botEmail,
      SecurityToken: token,
    };
  }
}

function eventsConfigurationView(bot: BotRecord): EventsConfigurationView {
  return {
    BotId: bot.id,
    ...(bot.eventsConfiguration?.outboundEventsHTTPSEndpoint ? { OutboundEventsHTTPSEndpoint: bot.eventsConfiguration.outboundEventsHTTPSEndpoint } : {}),
    ...(bot.eventsConfiguration?.lambdaFunctionArn ? { LambdaFunctionArn: bot.eventsConfiguration.lambdaFunctionArn } : {}),
  };
}
