import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { IsRoomIdentifier, IVSCHAT_ID_PATTERN } from './room.dto';
import { IsStringMap } from './string-map';

/** "The maximum length of this field is 1 KB total": counted as UTF-8 bytes of all keys and values. */
export const ATTRIBUTES_LIMITS = { maxTotalBytes: 1024 };

/** A room and a user of it: CreateChatToken and DisconnectUser. */
export class RoomUserRequest {
  @IsRoomIdentifier()
  roomIdentifier!: string;

  /** `UserID`: any UTF-8 text of 1..128 characters. */
  @IsString()
  @Length(1, 128)
  userId!: string;
}

export class DisconnectUserRequest extends RoomUserRequest {
  @IsOptional()
  @IsString()
  @Length(1, 256)
  reason?: string;
}

export class DeleteMessageRequest {
  @IsRoomIdentifier()
  roomIdentifier!: string;

  /** `MessageID`: the `Id` of a received message. */
  @IsString()
  @Matches(IVSCHAT_ID_PATTERN, { message: '$property must be 12 letters or digits' })
  id!: string;

  @IsOptional()
  @IsString()
  @Length(1, 256)
  reason?: string;
}

export class SendEventRequest {
  @IsRoomIdentifier()
  roomIdentifier!: string;

  @IsString()
  @Length(1, 100)
  eventName!: string;

  @IsOptional()
  @IsStringMap(ATTRIBUTES_LIMITS)
  attributes?: Record<string, string>;
}
