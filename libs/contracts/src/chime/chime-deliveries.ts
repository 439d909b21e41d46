// class-transformer's @Type reads design-time types: importers of the contracts need not load this themselves.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUrl, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsNonEmptyString } from './chime-patterns';

/** `EventType` of the events Chime sends a bot (events-bots.md). */
export const CHIME_BOT_EVENT_TYPES = ['Invite', 'Mention', 'Remove'] as const;
export type ChimeBotEventType = (typeof CHIME_BOT_EVENT_TYPES)[number];

/** Who caused the event: `SenderIdType` is `EmailId` in every documented example. */
export class ChimeEventSender {
  @IsNonEmptyString()
  @MaxLength(256)
  SenderId!: string;

  @IsNonEmptyString()
  @MaxLength(64)
  SenderIdType!: string;
}

/** Where it happened: a chat room (`DiscussionType` `Room`). */
export class ChimeEventDiscussion {
  @IsNonEmptyString()
  @MaxLength(256)
  DiscussionId!: string;

  @IsNonEmptyString()
  @MaxLength(64)
  DiscussionType!: string;
}

/** Where the bot answers: `Persistent` on Invite, `ShortLived` (2 minutes) on Mention. */
export class ChimeInboundHttpsEndpoint {
  @IsIn(['Persistent', 'ShortLived'])
  EndpointType!: 'Persistent' | 'ShortLived';

  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false })
  Url!: string;
}

/** The body of one Chime bot event, exactly what the bot's endpoint receives and the signature covers. */
export class ChimeBotEvent {
  @IsObject()
  @ValidateNested()
  @Type(() => ChimeEventSender)
  Sender!: ChimeEventSender;

  @IsObject()
  @ValidateNested()
  @Type(() => ChimeEventDiscussion)
  Discussion!: ChimeEventDiscussion;

  @IsIn(CHIME_BOT_EVENT_TYPES)
  EventType!: ChimeBotEventType;

  @IsISO8601({ strict: true })
  EventTimestamp!: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ChimeInboundHttpsEndpoint)
  InboundHttpsEndpoint?: ChimeInboundHttpsEndpoint;

  /** Mention only: the message that mentioned the bot. */
  @IsOptional()
  @IsString()
  @MaxLength(65_536)
  Message?: string;
}

/**
 * `data` of `rekey.bots.DeliveryRequested` on `rekey.bots.deliveries.v1` (message key: the bot
 * id): a trusted producer asks the bots app to deliver `event` to the bot, signed as Chime does.
 */
export class DeliveryRequestedData {
  @Matches(/^\d{12}$/, { message: 'must be a 12-digit account id' })
  tenant!: string;

  @IsNonEmptyString()
  chimeAccountId!: string;

  @IsNonEmptyString()
  botId!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => ChimeBotEvent)
  event!: ChimeBotEvent;
}

/** Why a delivery did not reach the bot. */
export const DELIVERY_FAILURE_REASONS = ['BotNotFound', 'BotDisabled', 'NoEndpoint', 'Rejected', 'ServerError', 'Timeout', 'Unreachable', 'EndpointNotAllowed'] as const;
export type DeliveryFailureReason = (typeof DELIVERY_FAILURE_REASONS)[number];

/** What both outcome events carry: which request, for which bot; never the body or a token. */
export class DeliveryOutcomeData {
  @Matches(/^\d{12}$/)
  tenant!: string;

  @IsNonEmptyString()
  chimeAccountId!: string;

  @IsNonEmptyString()
  botId!: string;

  /** The `ce_id` of the DeliveryRequested event. */
  @IsNonEmptyString()
  deliveryId!: string;

  @IsIn(CHIME_BOT_EVENT_TYPES)
  eventType!: ChimeBotEventType;

  /** POSTs made: 1 to 3 (Chime retries twice); 0 when nothing was sent. */
  @IsInt()
  @Min(0)
  attempts!: number;
}

/** `data` of `rekey.bots.EventDelivered`: the bot's endpoint answered 2xx. */
export class EventDeliveredData extends DeliveryOutcomeData {
  /** HTTP status of the answer. */
  @IsInt()
  status!: number;

  /** ISO 8601. */
  @IsISO8601()
  deliveredAt!: string;
}

/** `data` of `rekey.bots.EventDeliveryFailed`: given up, after Chime's retries where they apply. */
export class EventDeliveryFailedData extends DeliveryOutcomeData {
  @IsIn(DELIVERY_FAILURE_REASONS)
  reason!: DeliveryFailureReason;

  /** HTTP status of the last answer; null if there was none (timeout, unreachable, nothing sent). */
  @IsOptional()
  @IsInt()
  status!: number | null;

  /** ISO 8601. */
  @IsISO8601()
  failedAt!: string;
}
