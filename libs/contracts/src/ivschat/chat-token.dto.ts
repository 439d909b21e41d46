import { IsArray, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { IsRoomIdentifier } from './room.dto';
import { IsStringMap } from './string-map';

export const CHAT_TOKEN_CAPABILITIES = ['SEND_MESSAGE', 'DISCONNECT_USER', 'DELETE_MESSAGE'] as const;
export type ChatTokenCapability = (typeof CHAT_TOKEN_CAPABILITIES)[number];

/** "The maximum length of this field is 1 KB total": counted as UTF-8 bytes of all keys and values. */
export const ATTRIBUTES_LIMITS = { maxTotalBytes: 1024 };

/** `SessionDurationInMinutes` default. */
export const DEFAULT_SESSION_DURATION_MINUTES = 60;

export class CreateChatTokenRequest {
  @IsRoomIdentifier()
  roomIdentifier!: string;

  /** `UserID`: any UTF-8 text of 1..128 characters. */
  @IsString()
  @Length(1, 128)
  userId!: string;

  @IsOptional()
  @IsArray()
  @IsIn(CHAT_TOKEN_CAPABILITIES, { each: true })
  capabilities?: ChatTokenCapability[];

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(180)
  sessionDurationInMinutes?: number;

  @IsOptional()
  @IsStringMap(ATTRIBUTES_LIMITS)
  attributes?: Record<string, string>;
}

/** CreateChatToken's answer; times are ISO 8601 strings. */
export interface CreateChatTokenResponse {
  token: string;
  tokenExpirationTime: string;
  sessionExpirationTime: string;
}
