// class-transformer's @Type reads design-time types: importers of the contracts need not load this themselves.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsString, Min, ValidateNested } from 'class-validator';
import { IsId, IsIsoTime, IsTenant, OrNull } from '../events/event-fields';
import { RotatedToken } from '../events/token-rotated';
import { CHIME_LICENSES, ChimeAccountStatus, ChimeAccountType, ChimeLicense } from './account.dto';

/** `data` of `rekey.bots.AccountCreated` and `rekey.bots.AccountUpdated`: the account after the change. */
export class AccountEventData {
  @IsTenant()
  tenant!: string;

  @IsId()
  chimeAccountId!: string;

  @IsString()
  name!: string;

  @IsIn(['Team', 'EnterpriseDirectory', 'EnterpriseLWA', 'EnterpriseOIDC'])
  accountType!: ChimeAccountType;

  @IsIn(CHIME_LICENSES)
  defaultLicense!: ChimeLicense;

  @IsArray()
  @IsIn(CHIME_LICENSES, { each: true })
  supportedLicenses!: ChimeLicense[];

  @IsIn(['Active', 'Suspended'])
  accountStatus!: ChimeAccountStatus;

  /** ISO 8601. */
  @IsIsoTime()
  createdAt!: string;

  /** ISO 8601: when this change happened. */
  @IsIsoTime()
  updatedAt!: string;
}

/** `data` of `rekey.bots.AccountDeleted`: recorded once the account and every bot of it are deleted. */
export class AccountDeletedData {
  @IsTenant()
  tenant!: string;

  @IsId()
  chimeAccountId!: string;

  /** ISO 8601. */
  @IsIsoTime()
  deletedAt!: string;
}

/**
 * `data` of `rekey.bots.BotUpdated` (and the base of BotCreated): the bot after the change. The
 * display name and email are left out (the model marks them sensitive); `deleted` is true for the
 * last event of a bot removed with its account.
 */
export class BotEventData {
  @IsTenant()
  tenant!: string;

  @IsId()
  chimeAccountId!: string;

  @IsId()
  botId!: string;

  @IsId()
  userId!: string;

  @IsBoolean()
  disabled!: boolean;

  @IsBoolean()
  deleted!: boolean;

  /** The security token's generation: 1 at creation, +1 per rotation (as in TokenRotated). */
  @IsInt()
  @Min(1)
  generation!: number;

  /** ISO 8601. */
  @IsIsoTime()
  updatedAt!: string;
}

/** `data` of `rekey.bots.BotCreated`: the bot and the fingerprint of its first security token (generation 1). */
export class BotCreatedData extends BotEventData {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RotatedToken)
  tokens!: RotatedToken[];
}

/**
 * `data` of `rekey.bots.EventsConfigurationChanged`: which target now receives the bot's
 * outgoing events (null once deleted). The endpoint and ARN themselves are sensitive in the
 * model and stay out of events: read them with GetEventsConfiguration.
 */
export class EventsConfigurationChangedData {
  @IsTenant()
  tenant!: string;

  @IsId()
  chimeAccountId!: string;

  @IsId()
  botId!: string;

  @OrNull(IsIn(['OutboundEventsHTTPSEndpoint', 'LambdaFunctionArn']))
  target!: 'OutboundEventsHTTPSEndpoint' | 'LambdaFunctionArn' | null;

  /** ISO 8601. */
  @IsIsoTime()
  changedAt!: string;
}
