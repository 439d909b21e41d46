// class-transformer's @Type reads design-time types: importers of the contracts need not load this themselves.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { IsId, IsIsoTime, IsTenant, OrNull } from '../events/event-fields';
import { FALLBACK_RESULTS, FallbackResult, IVSCHAT_ID_PATTERN, ROOM_ARN_PATTERN, RoomView } from './room.dto';
import { IsStringMap } from './string-map';

const IsRoomArn = () => Matches(ROOM_ARN_PATTERN, { message: '$property must be a room ARN' });
const IsIvschatId = () => Matches(IVSCHAT_ID_PATTERN, { message: '$property must be 12 alphanumerics' });

/** A room's review handler, as room events carry it. */
export class RoomReviewHandlerData {
  @IsString()
  uri!: string;

  @IsIn(FALLBACK_RESULTS)
  fallbackResult!: FallbackResult;
}

/** `data` of `rekey.chat.RoomCreated`, `RoomUpdated` and `RoomDeleted`: the room as GetRoom shows it, and its tenant. */
export class RoomEventData implements RoomView {
  @IsTenant()
  tenant!: string;

  @IsRoomArn()
  arn!: string;

  @IsIvschatId()
  id!: string;

  @IsString()
  name!: string;

  @IsIsoTime()
  createTime!: string;

  @IsIsoTime()
  updateTime!: string;

  @IsInt()
  maximumMessageRatePerSecond!: number;

  @IsInt()
  maximumMessageLength!: number;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RoomReviewHandlerData)
  messageReviewHandler?: RoomReviewHandlerData;

  @IsStringMap({})
  tags!: Record<string, string>;

  @IsArray()
  @IsString({ each: true })
  loggingConfigurationIdentifiers!: string[];
}

/**
 * `data` of `rekey.chat.UserDisconnected`: tokens of `userId` for the room issued at or before
 * `revokedAt` no longer open a connection, and the gateway closes that user's connections.
 */
export class UserDisconnectedData {
  @IsTenant()
  tenant!: string;

  @IsRoomArn()
  roomArn!: string;

  @IsId()
  userId!: string;

  @OrNull(IsString())
  reason!: string | null;

  /** ISO 8601. */
  @IsIsoTime()
  revokedAt!: string;
}

/** `data` of `rekey.chat.MessageDeleted`: the gateway sends the room an `aws:DELETE_MESSAGE` event. */
export class MessageDeletedData {
  @IsTenant()
  tenant!: string;

  @IsRoomArn()
  roomArn!: string;

  /** The operation id DeleteMessage answered (12 alphanumerics). */
  @IsIvschatId()
  id!: string;

  /** The id of the message to delete. */
  @IsId()
  messageId!: string;

  @OrNull(IsString())
  reason!: string | null;
}

/** `data` of `rekey.chat.EventSent`: the gateway delivers the event to the room's clients. */
export class EventSentData {
  @IsTenant()
  tenant!: string;

  @IsRoomArn()
  roomArn!: string;

  /** The id SendEvent answered (12 alphanumerics). */
  @IsIvschatId()
  id!: string;

  @IsId()
  eventName!: string;

  @IsStringMap({})
  attributes!: Record<string, string>;

  /** ISO 8601. */
  @IsIsoTime()
  sendTime!: string;
}
