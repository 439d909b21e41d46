import { BotCreatedData, BotEventData, EVENT_TYPES, EventsConfigurationChangedData, fingerprint, RotatedToken, TokenRotatedData } from '@rekey/contracts';
import { newEvent, RekeyEvent } from '@rekey/events';
import { BotRecord } from './bots.repository';

function botEvent<T>(type: string, bot: BotRecord, data: T): RekeyEvent<T> {
  return newEvent('bots', { type, subject: `/accounts/${bot.accountId}/bots/${bot.id}`, tenant: bot.tenant, key: bot.id, data });
}

function botData(bot: BotRecord, deleted: boolean, at: Date): BotEventData {
  return { tenant: bot.tenant, chimeAccountId: bot.accountId, botId: bot.id, userId: bot.userId, disabled: bot.disabled, deleted, generation: bot.generation, updatedAt: at.toISOString() };
}

/** Events name a token by its fingerprint only. */
const securityToken = (token: string): RotatedToken => ({ kind: 'SecurityToken', fingerprint: fingerprint(token), expiresAt: null });

export const botCreated = (bot: BotRecord, token: string) =>
  botEvent<BotCreatedData>(EVENT_TYPES.bots.BotCreated, bot, { ...botData(bot, false, bot.createdAt), tokens: [securityToken(token)] });

export const botUpdated = (bot: BotRecord) => botEvent(EVENT_TYPES.bots.BotUpdated, bot, botData(bot, false, bot.updatedAt));

/** The last event of a bot deleted with its account. */
export const botDeleted = (bot: BotRecord, at: Date) => botEvent(EVENT_TYPES.bots.BotUpdated, bot, botData(bot, true, at));

export const tokenRotated = (bot: BotRecord, token: string) =>
  botEvent<TokenRotatedData>(EVENT_TYPES.bots.TokenRotated, bot, {
    tenant: bot.tenant,
    resourceType: 'bot',
    resourceId: bot.id,
    resourceArn: null,
    chimeAccountId: bot.accountId,
    generation: bot.generation,
    tokens: [securityToken(token)],
    rotatedAt: bot.updatedAt.toISOString(),
  });

export const eventsConfigurationChanged = (bot: BotRecord, at: Date) => {
  const config = bot.eventsConfiguration;
  const target = config?.outboundEventsHTTPSEndpoint ? 'OutboundEventsHTTPSEndpoint' : config?.lambdaFunctionArn ? 'LambdaFunctionArn' : null;
  return botEvent<EventsConfigurationChangedData>(EVENT_TYPES.bots.EventsConfigurationChanged, bot, { tenant: bot.tenant, chimeAccountId: bot.accountId, botId: bot.id, target, changedAt: at.toISOString() });
};
