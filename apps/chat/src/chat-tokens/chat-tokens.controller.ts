import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Tenant, validateInput } from '@rekey/aws-protocol';
import { CreateChatTokenRequest } from '@rekey/contracts';
import { ChatTokensService } from './chat-tokens.service';

@Controller()
export class ChatTokensController {
  constructor(private readonly tokens: ChatTokensService) {}

  @Post('CreateChatToken')
  @HttpCode(200)
  create(@Tenant() tenant: string, @Body() body: unknown) {
    return this.tokens.create(tenant, validateInput(CreateChatTokenRequest, body));
  }
}
