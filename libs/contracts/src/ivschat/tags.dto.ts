import { ArrayMaxSize, IsArray, IsString, Length, Matches } from 'class-validator';
import { TAG_LIMITS } from './room.dto';
import { IsStringMap } from './string-map';

/**
 * `ResourceArn`. The model's pattern allows a one-letter resource type only
 * (`[a-z-]/`), which no real ARN has; the resource type is matched as a word instead.
 */
export const RESOURCE_ARN_PATTERN = /^arn:aws:ivschat:[a-z0-9-]+:[0-9]+:[a-z-]+\/[a-zA-Z0-9-]+$/;

export class ResourceArnRequest {
  @IsString()
  @Length(1, 128)
  @Matches(RESOURCE_ARN_PATTERN, { message: '$property must be an ivschat resource ARN' })
  resourceArn!: string;
}

export class TagResourceRequest extends ResourceArnRequest {
  @IsStringMap(TAG_LIMITS)
  tags!: Record<string, string>;
}

export class UntagResourceRequest extends ResourceArnRequest {
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 128, { each: true })
  tagKeys!: string[];
}
