import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { AwsOperation, ServiceError, Tenant, validateInput } from '@rekey/aws-protocol';
import { ResourceArnRequest, TagRoomRequest, UntagRoomRequest } from '@rekey/contracts';
import { RoomsService } from './rooms.service';

/** The ARN of `/tags/{resourceArn}`: SDKs percent-encode it (`%3A`, `%2F`). */
function decodeArn(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ServiceError('Validation', 'resourceArn is not a valid percent-encoded ARN', { fieldList: [{ name: 'resourceArn', message: 'is not valid percent-encoding' }] });
  }
}

/** TagResource, UntagResource, ListTagsForResource on `/tags/{resourceArn}`; rooms are the only taggable resources here. */
@Controller('tags')
export class TagsController {
  constructor(private readonly rooms: RoomsService) {}

  @Get(':resourceArn')
  @AwsOperation('ListTagsForResource')
  async list(@Tenant() tenant: string, @Param('resourceArn') resourceArn: string) {
    const input = validateInput(ResourceArnRequest, { resourceArn: decodeArn(resourceArn) });
    return { tags: await this.rooms.listTags(tenant, input.resourceArn) };
  }

  @Post(':resourceArn')
  @AwsOperation('TagResource')
  @HttpCode(200)
  async tag(@Tenant() tenant: string, @Param('resourceArn') resourceArn: string, @Body() body: unknown) {
    const input = validateInput(TagRoomRequest, { ...(body as object), resourceArn: decodeArn(resourceArn) });
    await this.rooms.tag(tenant, input.resourceArn, input.tags);
    return {};
  }

  @Delete(':resourceArn')
  @AwsOperation('UntagResource')
  async untag(@Tenant() tenant: string, @Param('resourceArn') resourceArn: string, @Query('tagKeys') tagKeys: string | string[] | undefined) {
    const keys = tagKeys === undefined ? undefined : ([] as string[]).concat(tagKeys);
    const input = validateInput(UntagRoomRequest, { resourceArn: decodeArn(resourceArn), tagKeys: keys });
    await this.rooms.untag(tenant, input.resourceArn, input.tagKeys);
    return {};
  }
}
