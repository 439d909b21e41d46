import { Inject, Injectable } from '@nestjs/common';
import { CreateChatTokenRequest, CreateChatTokenResponse } from '@rekey/contracts';
import { TokenMetrics } from '@rekey/platform';
import { DurablePublisher } from '@rekey/events';
import { chatTokenClaims, Keyring, KEYRING, sealChatToken } from '@rekey/tokens';
import { roomNotFound } from '../rooms/room-arn';
import { RoomCache } from '../rooms/room-cache';
import { chatTokenCreated } from './chat-tokens.events';


/** CreateChatToken: sealed, self-contained tokens; nothing is written per token while Kafka is up. */
@Injectable()
export class ChatTokensService {
  constructor(
    private readonly rooms: RoomCache,
    private readonly events: DurablePublisher,
    private readonly metrics: TokenMetrics,
    @Inject(KEYRING) private readonly keyring: Keyring,
  ) {}

  async create(tenant: string, input: CreateChatTokenRequest): Promise<CreateChatTokenResponse> {
    if (!(await this.rooms.exists(tenant, input.roomIdentifier))) throw roomNotFound(input.roomIdentifier);
    const claims = chatTokenClaims(tenant, input);
    const token = sealChatToken(this.keyring, claims);
    await this.events.publish([chatTokenCreated(claims, token)]);
    this.metrics.issued('ChatToken');
    return { token, tokenExpirationTime: claims.tokenExpirationTime, sessionExpirationTime: claims.sessionExpirationTime };
  }
}
