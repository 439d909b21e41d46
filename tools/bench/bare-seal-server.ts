// CreateChatToken's ceiling: a bare Fastify handler doing the same sealing as the chat app
// (sealChatToken with the development keyring, same claims and answer), with no framework, no
// validation, no authentication and no event. Started by main.ts in its own process, on PORT.
import 'reflect-metadata';
import { CreateChatTokenRequest } from '@rekey/contracts';
import { chatTokenClaims, Keyring, sealChatToken } from '@rekey/tokens';
import { serveBare, TENANT } from './lib/bare-server';

const keyring = Keyring.dev();

serveBare((server) =>
  server.post<{ Body: CreateChatTokenRequest }>('/CreateChatToken', async (request) => {
    const claims = chatTokenClaims(TENANT, request.body);
    const token = sealChatToken(keyring, claims);
    return { token, tokenExpirationTime: claims.tokenExpirationTime, sessionExpirationTime: claims.sessionExpirationTime };
  }),
);
