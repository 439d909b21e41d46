import { IsArray, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ATTRIBUTES_LIMITS, RoomUserRequest } from './messaging.dto';
import { IsStringMap } from './string-map';

export const CHAT_TOKEN_CAPABILITIES = ['SEND_MESSAGE', 'DISCONNECT_USER', 'DELETE_MESSAGE'] as const;
export type ChatTokenCapability = (typeof CHAT_TOKEN_CAPABILITIES)[number];

/** `SessionDurationInMinutes` default. */
export const DEFAULT_SESSION_DURATION_MINUTES = 60;

export class CreateChatTokenRequest extends RoomUserRequest {
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
