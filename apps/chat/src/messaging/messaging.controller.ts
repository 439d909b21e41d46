import { Body, Controller } from '@nestjs/common';
import { PostOperation, Tenant, validateInput } from '@rekey/aws-protocol';
import { DeleteMessageRequest, DisconnectUserRequest, SendEventRequest } from '@rekey/contracts';
import { MessagingService } from './messaging.service';

/** DisconnectUser, DeleteMessage, SendEvent. */
@Controller()
export class MessagingController {
  constructor(private readonly messaging: MessagingService) {}

  @PostOperation('DisconnectUser')
  disconnectUser(@Tenant() tenant: string, @Body() body: unknown) {
    return this.messaging.disconnectUser(tenant, validateInput(DisconnectUserRequest, body));
  }

  @PostOperation('DeleteMessage')
  deleteMessage(@Tenant() tenant: string, @Body() body: unknown) {
    return this.messaging.deleteMessage(tenant, validateInput(DeleteMessageRequest, body));
  }

  @PostOperation('SendEvent')
  sendEvent(@Tenant() tenant: string, @Body() body: unknown) {
    return this.messaging.sendEvent(tenant, validateInput(SendEventRequest, body));
  }
}
