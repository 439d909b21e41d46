// class-transformer's @Type reads design-time metadata.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsStringMap } from './string-map';

/** `RoomArn` / `RoomIdentifier` (botocore ivschat 2020-07-14): the identifier "currently must be an ARN". */
export const ROOM_ARN_PATTERN = /^arn:aws:ivschat:[a-z0-9-]+:[0-9]+:room\/[a-zA-Z0-9-]+$/;
/** `LambdaArn`: empty, or a Lambda function ARN. */
export const LAMBDA_ARN_PATTERN = /^$|^arn:aws:lambda:[a-z0-9-]+:[0-9]{12}:function:.+/;
/** `LoggingConfigurationIdentifier`. */
export const LOGGING_CONFIGURATION_ARN_PATTERN = /^arn:aws:ivschat:[a-z0-9-]+:[0-9]+:logging-configuration\/[a-zA-Z0-9-]+$/;
/** `RoomID`, `ID`, `MessageID`: exactly 12 alphanumerics. */
export const IVSCHAT_ID_PATTERN = /^[a-zA-Z0-9]{12}$/;

export const FALLBACK_RESULTS = ['ALLOW', 'DENY'] as const;
export type FallbackResult = (typeof FALLBACK_RESULTS)[number];

/** Model defaults of a room's settings. */
export const ROOM_DEFAULTS = { maximumMessageRatePerSecond: 10, maximumMessageLength: 500, fallbackResult: 'ALLOW' as FallbackResult };

/** `Tags`: at most 50, keys 1..128 and values 0..256 characters. */
export const TAG_LIMITS = { maxEntries: 50, keyLength: [1, 128] as [number, number], valueLength: [0, 256] as [number, number] };

/** A room identifier member (`identifier` or `roomIdentifier`): an ivschat room ARN. */
export function IsRoomIdentifier(): PropertyDecorator {
  return (target, property) => {
    IsString()(target, property);
    Length(1, 128)(target, property);
    Matches(ROOM_ARN_PATTERN, { message: '$property must be a room ARN (arn:aws:ivschat:<region>:<account>:room/<id>)' })(target, property);
  };
}

export class MessageReviewHandlerDto {
  @IsOptional()
  @IsString()
  @MaxLength(170)
  @Matches(LAMBDA_ARN_PATTERN, { message: '$property must be empty or a Lambda function ARN' })
  uri?: string;

  @IsOptional()
  @IsIn(FALLBACK_RESULTS)
  fallbackResult?: FallbackResult;
}

/** Members CreateRoom and UpdateRoom share. */
class RoomSettingsDto {
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @Matches(/^[a-zA-Z0-9-_]*$/, { message: '$property must contain only letters, digits, - and _' })
  name?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  maximumMessageRatePerSecond?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  maximumMessageLength?: number;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MessageReviewHandlerDto)
  messageReviewHandler?: MessageReviewHandlerDto;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @IsString({ each: true })
  @MaxLength(128, { each: true })
  @Matches(LOGGING_CONFIGURATION_ARN_PATTERN, { each: true, message: 'each value in $property must be a logging-configuration ARN' })
  loggingConfigurationIdentifiers?: string[];
}

export class CreateRoomRequest extends RoomSettingsDto {
  @IsOptional()
  @IsStringMap(TAG_LIMITS)
  tags?: Record<string, string>;
}

export class UpdateRoomRequest extends RoomSettingsDto {
  @IsRoomIdentifier()
  identifier!: string;
}

/** GetRoom and DeleteRoom. */
export class RoomIdentifierRequest {
  @IsRoomIdentifier()
  identifier!: string;
}

export class ListRoomsRequest {
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @Matches(/^[a-zA-Z0-9-_]*$/, { message: '$property must contain only letters, digits, - and _' })
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  nextToken?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  maxResults?: number;

  @IsOptional()
  @IsString()
  @MaxLength(170)
  @Matches(LAMBDA_ARN_PATTERN, { message: '$property must be empty or a Lambda function ARN' })
  messageReviewHandlerUri?: string;

  @IsOptional()
  @IsString()
  @Length(1, 128)
  @Matches(LOGGING_CONFIGURATION_ARN_PATTERN, { message: '$property must be a logging-configuration ARN' })
  loggingConfigurationIdentifier?: string;
}

/** `MaxRoomResults` default. */
export const DEFAULT_MAX_ROOM_RESULTS = 50;

/** A room as the API answers it (CreateRoom, GetRoom, UpdateRoom); times are ISO 8601 strings. */
export interface RoomView {
  arn: string;
  id: string;
  name: string;
  createTime: string;
  updateTime: string;
  maximumMessageRatePerSecond: number;
  maximumMessageLength: number;
  messageReviewHandler?: { uri: string; fallbackResult: FallbackResult };
  tags: Record<string, string>;
  loggingConfigurationIdentifiers: string[];
}

/** ListRooms entry. */
export type RoomSummaryView = Pick<RoomView, 'arn' | 'id' | 'name' | 'messageReviewHandler' | 'createTime' | 'updateTime' | 'tags' | 'loggingConfigurationIdentifiers'>;
