import { Inject, Injectable } from '@nestjs/common';
import { CreateChatTokenRequest, CreateChatTokenResponse, DEFAULT_SESSION_DURATION_MINUTES } from '@rekey/contracts';
import { TokenMetrics } from '@rekey/platform';
import { ChatTokenClaims, Keyring, KEYRING, sealChatToken } from '@rekey/tokens';
import { roomNotFound } from '../rooms/room-arn';
import { RoomCache } from '../rooms/room-cache';
import { chatTokenCreated } from './chat-tokens.events';
import { DurablePublisher } from './durable-publisher';

/**
 * How long a token can be used to connect: 60 minutes, or less when the session ends sooner
 * (AWS does not document its value; a connection opened with the token then lasts until
 * sessionExpirationTime).
 */
export const TOKEN_LIFETIME_MS = 60 * 60_000;

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
    const now = Date.now();
    const sessionEnd = now + (input.sessionDurationInMinutes ?? DEFAULT_SESSION_DURATION_MINUTES) * 60_000;
    const claims: ChatTokenClaims = {
      tenant,
      roomArn: input.roomIdentifier,
      userId: input.userId,
      capabilities: [...new Set(input.capabilities ?? [])],
      attributes: input.attributes ?? {},
      issuedAt: new Date(now).toISOString(),
      tokenExpirationTime: new Date(Math.min(now + TOKEN_LIFETIME_MS, sessionEnd)).toISOString(),
      sessionExpirationTime: new Date(sessionEnd).toISOString(),
    };
    const token = sealChatToken(this.keyring, claims);
    await this.events.publish(chatTokenCreated(claims, token));
    this.metrics.issued('ChatToken');
    return { token, tokenExpirationTime: claims.tokenExpirationTime, sessionExpirationTime: claims.sessionExpirationTime };
  }
}
