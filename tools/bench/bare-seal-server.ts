// CreateChatToken's ceiling: a bare Fastify handler doing the same sealing as the chat app
// (sealChatToken with the development keyring, same claims and answer), with no framework, no
// validation, no authentication and no event. Started by main.ts in its own process, on PORT.
import 'reflect-metadata';
import { CreateChatTokenRequest } from '@rekey/contracts';
import { chatTokenClaims, Keyring, sealChatToken } from '@rekey/tokens';
import Fastify from 'fastify';

const keyring = Keyring.dev();
const TENANT = '111111111111';

const server = Fastify({ logger: false });
server.get('/ready', async () => ({ ok: true }));
server.post<{ Body: CreateChatTokenRequest }>('/CreateChatToken', async (request) => {
  const claims = chatTokenClaims(TENANT, request.body);
  const token = sealChatToken(keyring, claims);
  return { token, tokenExpirationTime: claims.tokenExpirationTime, sessionExpirationTime: claims.sessionExpirationTime };
});
void server.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
