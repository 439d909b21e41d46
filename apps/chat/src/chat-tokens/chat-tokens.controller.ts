import { Body, Controller } from '@nestjs/common';
import { PostOperation, Tenant, validateInput } from '@rekey/aws-protocol';
import { CreateChatTokenRequest } from '@rekey/contracts';
import { ChatTokensService } from './chat-tokens.service';

@Controller()
export class ChatTokensController {
  constructor(private readonly tokens: ChatTokensService) {}

  @PostOperation('CreateChatToken')
  create(@Tenant() tenant: string, @Body() body: unknown) {
    return this.tokens.create(tenant, validateInput(CreateChatTokenRequest, body));
  }
}
