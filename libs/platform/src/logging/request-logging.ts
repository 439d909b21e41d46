import type { FastifyInstance } from 'fastify';
import { Store, storage } from 'nestjs-pino/storage';
import type { IncomingMessage } from 'node:http';
import type { HttpLogger } from 'pino-http';
import { isProbeOrScrape } from './request-labels';

/** Injection token of the app's request logger (pino-http with {@link loggerOptions}). */
export const REQUEST_LOGGER = Symbol('rekey.requestLogger');

/**
 * Runs the request logger on every request as a Fastify hook, and binds its per-request logger
 * for nestjs-pino's Logger (so every line written while serving a request carries its id). Not as
 * a Nest middleware: those run through @fastify/middie, whose per-request URL normalization and
 * middleware engine cost more than the logging itself. Probes and scrapes get no request logger:
 * they are not logged, and its per-request child logger and context would be their largest cost.
 */
export function logRequests(fastify: FastifyInstance, logger: HttpLogger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (isProbeOrScrape(request.url)) return done();
    // The id Fastify assigned (loggerOptions' genReqId reads it from the raw request).
    const raw = request.raw as IncomingMessage & { id: string; log?: Store['logger'] };
    raw.id = request.id;
    logger(raw, reply.raw);
    storage.run(new Store(raw.log!), done);
  });
}
