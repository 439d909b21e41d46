// CreateChatToken's ceiling: a bare Fastify handler doing the same sealing as the chat app
// (sealChatToken with the development keyring, same claims and answer), with no framework, no
// validation, no authentication and no event. Started by main.ts in its own process, on PORT.
import 'reflect-metadata';
import { ChatTokenClaims, Keyring, sealChatToken } from '@rekey/tokens';
import Fastify from 'fastify';

const keyring = Keyring.dev();
const TOKEN_LIFETIME_MS = 60 * 60_000;
const TENANT = '111111111111';

interface Body {
  roomIdentifier: string;
  userId: string;
  capabilities?: ChatTokenClaims['capabilities'];
  sessionDurationInMinutes?: number;
  attributes?: Record<string, string>;
}

const server = Fastify({ logger: false });
server.get('/ready', async () => ({ ok: true }));
server.post<{ Body: Body }>('/CreateChatToken', async (request) => {
  const input = request.body;
  const now = Date.now();
  const sessionEnd = now + (input.sessionDurationInMinutes ?? 60) * 60_000;
  const claims: ChatTokenClaims = {
    tenant: TENANT,
    roomArn: input.roomIdentifier,
    userId: input.userId,
    capabilities: [...new Set(input.capabilities ?? [])],
    attributes: input.attributes ?? {},
    issuedAt: new Date(now).toISOString(),
    tokenExpirationTime: new Date(Math.min(now + TOKEN_LIFETIME_MS, sessionEnd)).toISOString(),
    sessionExpirationTime: new Date(sessionEnd).toISOString(),
  };
  const token = sealChatToken(keyring, claims);
  return { token, tokenExpirationTime: claims.tokenExpirationTime, sessionExpirationTime: claims.sessionExpirationTime };
});
void server.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
