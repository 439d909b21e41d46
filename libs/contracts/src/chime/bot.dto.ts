import { IsBoolean, IsInt, IsOptional, IsString, IsUrl, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { QueryInteger } from './chime-patterns';

/** `ResultMax`: ListBots' page size, 1..99, 10 by default. */
export const LIST_BOTS_LIMITS = { min: 1, max: 99, default: 10 };

/** A DNS name of at least two labels (the part of a bot's email after the `@`). */
const DOMAIN_NAME = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** A Lambda function ARN, as Lambda's own model writes the pattern (optionally with a version or alias). */
export const LAMBDA_FUNCTION_ARN = /^arn:aws[a-zA-Z-]*:lambda:[a-z]{2}(?:-gov)?-[a-z]+-\d:\d{12}:function:[a-zA-Z0-9_-]{1,64}(?::(?:\$LATEST|[a-zA-Z0-9_-]{1,128}))?$/;

export class CreateBotRequest {
  /** Chime's documentation: up to 55 characters; no control characters, not blank. */
  @IsString()
  @Length(1, 55)
  @Matches(/^[^\p{C}]*\S[^\p{C}]*$/u, { message: 'must contain a non-blank character and no control characters' })
  DisplayName!: string;

  /** `NonEmptyString` in the model; it becomes the domain of the bot's email, so it must be a DNS name. */
  @IsOptional()
  @IsString()
  @Matches(DOMAIN_NAME, { message: 'must be a domain name such as example.com' })
  Domain?: string;
}

export class UpdateBotRequest {
  @IsOptional()
  @IsBoolean()
  Disabled?: boolean;
}

/** ListBots' query string (`max-results`, `next-token`). */
export class ListBotsRequest {
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(LIST_BOTS_LIMITS.min)
  @Max(LIST_BOTS_LIMITS.max)
  MaxResults?: number;

  @IsOptional()
  @IsString()
  NextToken?: string;
}

/**
 * Exactly one of the two targets must be given (the service checks that rule, and that the
 * endpoint is `https://` in production; `http://` is for local endpoints outside it).
 */
export class PutEventsConfigurationRequest {
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true, require_tld: false }, { message: 'must be an https:// URL' })
  OutboundEventsHTTPSEndpoint?: string;

  @IsOptional()
  @IsString()
  @Matches(LAMBDA_FUNCTION_ARN, { message: 'must be a Lambda function ARN' })
  LambdaFunctionArn?: string;
}

/** The model's `Bot` structure as the API answers it (timestamps ISO 8601). */
export interface BotView {
  BotId: string;
  UserId: string;
  DisplayName: string;
  BotType: 'ChatBot';
  Disabled: boolean;
  CreatedTimestamp: string;
  UpdatedTimestamp: string;
  BotEmail: string;
  SecurityToken: string;
}

/** The model's `EventsConfiguration` structure. */
export interface EventsConfigurationView {
  BotId: string;
  OutboundEventsHTTPSEndpoint?: string;
  LambdaFunctionArn?: string;
}
