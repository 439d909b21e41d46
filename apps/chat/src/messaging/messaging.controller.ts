import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Tenant, validateInput } from '@rekey/aws-protocol';
import { DeleteMessageRequest, DisconnectUserRequest, SendEventRequest } from '@rekey/contracts';
import { MessagingService } from './messaging.service';

/** DisconnectUser, DeleteMessage, SendEvent. */
@Controller()
export class MessagingController {
  constructor(private readonly messaging: MessagingService) {}

  @Post('DisconnectUser')
  @HttpCode(200)
  disconnectUser(@Tenant() tenant: string, @Body() body: unknown) {
    return this.messaging.disconnectUser(tenant, validateInput(DisconnectUserRequest, body));
  }

  @Post('DeleteMessage')
  @HttpCode(200)
  deleteMessage(@Tenant() tenant: string, @Body() body: unknown) {
    return this.messaging.deleteMessage(tenant, validateInput(DeleteMessageRequest, body));
  }

  @Post('SendEvent')
  @HttpCode(200)
  sendEvent(@Tenant() tenant: string, @Body() body: unknown) {
    return this.messaging.sendEvent(tenant, validateInput(SendEventRequest, body));
  }
}
