import { RotatedToken } from '../events/token-rotated';
import { ChimeAccountStatus, ChimeAccountType, ChimeLicense } from './account.dto';

/** `data` of `rekey.bots.AccountCreated` and `rekey.bots.AccountUpdated`: the account after the change. */
export interface AccountEventData {
  tenant: string;
  chimeAccountId: string;
  name: string;
  accountType: ChimeAccountType;
  defaultLicense: ChimeLicense;
  supportedLicenses: ChimeLicense[];
  accountStatus: ChimeAccountStatus;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601: when this change happened. */
  updatedAt: string;
}

/** `data` of `rekey.bots.AccountDeleted`: recorded once the account and every bot of it are deleted. */
export interface AccountDeletedData {
  tenant: string;
  chimeAccountId: string;
  /** ISO 8601. */
  deletedAt: string;
}

/**
 * `data` of `rekey.bots.BotUpdated` (and the base of BotCreated): the bot after the change. The
 * display name and email are left out (the model marks them sensitive); `deleted` is true for the
 * last event of a bot removed with its account.
 */
export interface BotEventData {
  tenant: string;
  chimeAccountId: string;
  botId: string;
  userId: string;
  disabled: boolean;
  deleted: boolean;
  /** The security token's generation: 1 at creation, +1 per rotation (as in TokenRotated). */
  generation: number;
  /** ISO 8601. */
  updatedAt: string;
}

/** `data` of `rekey.bots.BotCreated`: the bot and the fingerprint of its first security token (generation 1). */
export interface BotCreatedData extends BotEventData {
  tokens: RotatedToken[];
}

/**
 * `data` of `rekey.bots.EventsConfigurationChanged`: which target now receives the bot's
 * outgoing events (null once deleted). The endpoint and ARN themselves are sensitive in the
 * model and stay out of events: read them with GetEventsConfiguration.
 */
export interface EventsConfigurationChangedData {
  tenant: string;
  chimeAccountId: string;
  botId: string;
  target: 'OutboundEventsHTTPSEndpoint' | 'LambdaFunctionArn' | null;
  /** ISO 8601. */
  changedAt: string;
}
