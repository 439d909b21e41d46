import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';

// Constraints of botocore iotsecuretunneling/2018-10-05/service-2.json. The model's patterns are
// matched against the whole value, as AWS does, hence the anchors.
const DESCRIPTION = /^[^\p{C}]{1,2048}$/u;
const NAME = /^[a-zA-Z0-9:_-]+$/;
const TUNNEL_ID = /^[a-zA-Z0-9_\-+=:]{1,128}$/;
const NEXT_TOKEN = /^[a-zA-Z0-9_=-]{1,4096}$/;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Longest lifetime of a tunnel, and the default (12 hours). */
export const MAX_TUNNEL_LIFETIME_MINUTES = 720;
/** Most tags a tunnel may carry (TagList max). */
export const MAX_TUNNEL_TAGS = 200;

export const CLIENT_MODES = ['SOURCE', 'DESTINATION', 'ALL'] as const;
export type ClientMode = (typeof CLIENT_MODES)[number];

/** The operations of the API, by `X-Amz-Target` suffix. Nothing else names an operation. */
export const TUNNEL_OPERATIONS = [
  'OpenTunnel',
  'RotateTunnelAccessToken',
  'DescribeTunnel',
  'ListTunnels',
  'CloseTunnel',
  'TagResource',
  'UntagResource',
  'ListTagsForResource',
] as const;
export type TunnelOperation = (typeof TUNNEL_OPERATIONS)[number];

/** `X-Amz-Target` prefix (the model's targetPrefix). */
export const TUNNELS_TARGET_PREFIX = 'IoTSecuredTunneling.';

export class TagDto {
  @IsString()
  @Length(1, 128)
  @Matches(TAG_TEXT)
  key!: string;

  @IsString()
  @Length(0, 256)
  @Matches(TAG_TEXT)
  value!: string;
}

export class DestinationConfigDto {
  @IsOptional()
  @IsString()
  @Length(1, 128)
  @Matches(NAME)
  thingName?: string;

  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @Length(1, 128, { each: true })
  @Matches(NAME, { each: true })
  services!: string[];
}

export class TimeoutConfigDto {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_TUNNEL_LIFETIME_MINUTES)
  maxLifetimeTimeoutMinutes?: number;
}

/** Rules of the model's TagList: 1..200 valid tags. */
function IsTagList(): PropertyDecorator {
  const rules = [IsArray(), ArrayMinSize(1), ArrayMaxSize(MAX_TUNNEL_TAGS), ValidateNested(), Type(() => TagDto)];
  return (target, property) => rules.forEach((rule) => rule(target, property as string));
}

export class OpenTunnelRequest {
  @IsOptional()
  @IsString()
  @Matches(DESCRIPTION)
  description?: string;

  @IsOptional()
  @IsTagList()
  tags?: TagDto[];

  @IsOptional()
  @ValidateNested()
  @Type(() => DestinationConfigDto)
  destinationConfig?: DestinationConfigDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => TimeoutConfigDto)
  timeoutConfig?: TimeoutConfigDto;
}

class TunnelIdMember {
  @IsString()
  @Matches(TUNNEL_ID)
  tunnelId!: string;
}

export class RotateTunnelAccessTokenRequest extends TunnelIdMember {
  @IsIn(CLIENT_MODES)
  clientMode!: ClientMode;

  @IsOptional()
  @ValidateNested()
  @Type(() => DestinationConfigDto)
  destinationConfig?: DestinationConfigDto;
}

export class DescribeTunnelRequest extends TunnelIdMember {}

export class CloseTunnelRequest extends TunnelIdMember {
  @IsOptional()
  @IsBoolean()
  delete?: boolean;
}

export class ListTunnelsRequest {
  @IsOptional()
  @IsString()
  @Length(1, 128)
  @Matches(NAME)
  thingName?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  maxResults?: number;

  @IsOptional()
  @IsString()
  @Matches(NEXT_TOKEN)
  nextToken?: string;
}

class ResourceArnMember {
  @IsString()
  @Length(1, 1011)
  resourceArn!: string;
}

export class ListTagsForResourceRequest extends ResourceArnMember {}

export class TagResourceRequest extends ResourceArnMember {
  @IsTagList()
  tags!: TagDto[];
}

export class UntagResourceRequest extends ResourceArnMember {
  @IsArray()
  @ArrayMaxSize(MAX_TUNNEL_TAGS)
  @IsString({ each: true })
  @Length(1, 128, { each: true })
  @Matches(TAG_TEXT, { each: true })
  tagKeys!: string[];
}
