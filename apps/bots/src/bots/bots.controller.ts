import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { AwsOperation, Operation, selectorOperation, ServiceError, Tenant, validateInput } from '@rekey/aws-protocol';
import { BotView, CreateBotRequest, EventsConfigurationView, ListBotsRequest, PutEventsConfigurationRequest, UpdateBotRequest } from '@rekey/contracts';
import { accountPath, bodyOf, botPath } from '../shared/path-input';
import { BotsService } from './bots.service';

/** Chime bot operations (restJson1): wire in, service, wire out. */
@Controller('accounts/:accountId/bots')
export class BotsController {
  constructor(private readonly bots: BotsService) {}

  @Post()
  @AwsOperation('CreateBot')
  @HttpCode(201)
  async create(@Tenant() tenant: string, @Param('accountId') accountId: string, @Body() body: unknown): Promise<{ Bot: BotView }> {
    const path = accountPath(accountId);
    return { Bot: await this.bots.create(tenant, path.AccountId, validateInput(CreateBotRequest, bodyOf(body))) };
  }

  @Get()
  @AwsOperation('ListBots')
  async list(@Tenant() tenant: string, @Param('accountId') accountId: string, @Query() query: Record<string, unknown>): Promise<{ Bots: BotView[]; NextToken?: string }> {
    const path = accountPath(accountId);
    return this.bots.list(tenant, path.AccountId, validateInput(ListBotsRequest, { MaxResults: query['max-results'], NextToken: query['next-token'] }));
  }

  @Get(':botId')
  @AwsOperation('GetBot')
  async get(@Tenant() tenant: string, @Param('accountId') accountId: string, @Param('botId') botId: string): Promise<{ Bot: BotView }> {
    return { Bot: await this.bots.get(tenant, botPath(accountId, botId)) };
  }

  /** UpdateBot and RegenerateSecurityToken share this route: the `operation` query tells them apart. */
  @Post(':botId')
  @AwsOperation(selectorOperation('UpdateBot', { 'regenerate-security-token': 'RegenerateSecurityToken' }))
  @HttpCode(200)
  async updateOrRegenerate(
    @Tenant() tenant: string,
    @Param('accountId') accountId: string,
    @Param('botId') botId: string,
    @Operation() operation: string | undefined,
    @Body() body: unknown,
  ): Promise<{ Bot: BotView }> {
    if (operation === 'RegenerateSecurityToken') return { Bot: await this.bots.regenerateSecurityToken(tenant, botPath(accountId, botId)) };
    if (operation === undefined) throw new ServiceError('UnknownOperation', 'Unknown operation');
    const path = botPath(accountId, botId);
    return { Bot: await this.bots.update(tenant, path, validateInput(UpdateBotRequest, bodyOf(body))) };
  }

  @Put(':botId/events-configuration')
  @AwsOperation('PutEventsConfiguration')
  @HttpCode(201)
  async putEventsConfiguration(@Tenant() tenant: string, @Param('accountId') accountId: string, @Param('botId') botId: string, @Body() body: unknown): Promise<{ EventsConfiguration: EventsConfigurationView }> {
    const path = botPath(accountId, botId);
    return { EventsConfiguration: await this.bots.putEventsConfiguration(tenant, path, validateInput(PutEventsConfigurationRequest, bodyOf(body))) };
  }

  @Get(':botId/events-configuration')
  @AwsOperation('GetEventsConfiguration')
  async getEventsConfiguration(@Tenant() tenant: string, @Param('accountId') accountId: string, @Param('botId') botId: string): Promise<{ EventsConfiguration: EventsConfigurationView }> {
    return { EventsConfiguration: await this.bots.getEventsConfiguration(tenant, botPath(accountId, botId)) };
  }

  @Delete(':botId/events-configuration')
  @AwsOperation('DeleteEventsConfiguration')
  @HttpCode(204)
  async deleteEventsConfiguration(@Tenant() tenant: string, @Param('accountId') accountId: string, @Param('botId') botId: string): Promise<void> {
    await this.bots.deleteEventsConfiguration(tenant, botPath(accountId, botId));
  }
}
