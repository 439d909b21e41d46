// What the bare ceiling servers of tools/bench share: a Fastify server with nothing but their
// route, and the apps' own SigV4 check in front of it. Each ceiling runs in its own process
// (startBenchServer), as the apps run in theirs.
import { CredentialStore, SigV4Verifier, SIGNING_NAMES } from '@rekey/aws-protocol';
import { DEV_CREDENTIALS } from '@rekey/contracts';
import Fastify, { FastifyInstance, FastifyRequest } from 'fastify';

/** Dev tenant A, whom every bench request is signed as. */
export const TENANT = DEV_CREDENTIALS[0].accountId;

/** A Fastify server with no logger, hooks or plugins, a `/ready` probe, listening on PORT until SIGTERM. */
export function serveBare(routes: (server: FastifyInstance) => void): void {
  const server = Fastify({ logger: false });
  server.get('/ready', async () => ({ ok: true }));
  routes(server);
  void server.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
}

/**
 * The apps' SigV4 check, with the same verifier (libs/aws-protocol, dev credentials) over the same
 * request parts, and nothing else: JSON bodies are parsed from the raw bytes the signature covers.
 * Resolves to the tenant; rejects (a 500 here, counted as an error by the load) if the signature is wrong.
 */
export function sigV4(server: FastifyInstance, api: keyof typeof SIGNING_NAMES): (request: FastifyRequest) => Promise<string> {
  const raw = new WeakMap<FastifyRequest, Buffer>();
  for (const mediaType of ['application/json', 'application/x-amz-json-1.1']) {
    if (server.hasContentTypeParser(mediaType)) server.removeContentTypeParser(mediaType);
    server.addContentTypeParser(mediaType, { parseAs: 'buffer' }, (request, body, done) => {
      raw.set(request, body as Buffer);
      done(null, JSON.parse(String(body)));
    });
  }
  const verifier = new SigV4Verifier(new CredentialStore(DEV_CREDENTIALS), SIGNING_NAMES[api], 'us-east-1');
  return (request) => {
    const [path] = request.url.split('?');
    return verifier.verify({ method: request.method, path, query: request.query as Record<string, string>, headers: request.headers, body: raw.get(request) });
  };
}

/** Associated data of a bot's encrypted security token, as the bots app binds it (apps/bots/src/bots/security-tokens.ts). */
export const botTokenAssociatedData = (accountId: string, botId: string, tenant = TENANT) => `chime-bot-security-token\0${tenant}\0${accountId}\0${botId}`;
