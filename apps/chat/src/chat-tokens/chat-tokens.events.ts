import { ChatTokenCreatedData, EVENT_TYPES, fingerprint } from '@rekey/contracts';
import { newEvent, RekeyEvent } from '@rekey/events';
import { ChatTokenClaims } from '@rekey/tokens';

/** `rekey.chat.ChatTokenCreated`: the token's grant and times, and its fingerprint, never the token. */
export function chatTokenCreated(claims: ChatTokenClaims, token: string): RekeyEvent<ChatTokenCreatedData> {
  return newEvent('chat', {
    type: EVENT_TYPES.chat.ChatTokenCreated,
    subject: claims.roomArn,
    tenant: claims.tenant,
    key: claims.roomArn,
    data: {
      tenant: claims.tenant,
      roomArn: claims.roomArn,
      userId: claims.userId,
      capabilities: claims.capabilities,
      sessionExpirationTime: claims.sessionExpirationTime,
      tokenExpirationTime: claims.tokenExpirationTime,
      fingerprint: fingerprint(token),
    },
  });
}
