import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { ATTRIBUTES_LIMITS } from './chat-token.dto';
import { IsRoomIdentifier, IVSCHAT_ID_PATTERN } from './room.dto';
import { IsStringMap } from './string-map';

export class DisconnectUserRequest {
  @IsRoomIdentifier()
  roomIdentifier!: string;

  @IsString()
  @Length(1, 128)
  userId!: string;

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
