import Fastify from 'fastify';
import { storage } from 'nestjs-pino/storage';
import pinoHttp, { Options } from 'pino-http';
import type { RekeyConfig } from '../config/rekey-config';
import { loggerOptions } from './logger.options';
import { logRequests } from './request-logging';

describe('logRequests', () => {
  const lines: Array<Record<string, unknown>> = [];
  const fastify = Fastify();

  beforeAll(async () => {
    const options = loggerOptions({ app: 'bots', logLevel: 'info' } as RekeyConfig).pinoHttp as Options;
    logRequests(fastify, pinoHttp(options, { write: (line: string) => lines.push(JSON.parse(line)) }));
    // What nestjs-pino's Logger does for a line written while serving a request.
    const inside = () => storage.getStore()?.logger.info('inside the handler');
    fastify.get('/accounts', async () => (inside(), { ok: true }));
    fastify.get('/health/live', async () => (inside(), { status: 'ok' }));
    await fastify.ready();
  });
  afterAll(() => fastify.close());
  beforeEach(() => (lines.length = 0));

  it("binds every line written while serving a request to the request's id, and ends it with one line", async () => {
    await fastify.inject({ method: 'GET', url: '/accounts' });
    await fastify.inject({ method: 'GET', url: '/accounts' });

    expect(lines.map((line) => line.msg)).toEqual(['inside the handler', 'request completed', 'inside the handler', 'request completed']);
    const ids = lines.map((line) => (line.req as { id: string }).id);
    expect(ids[0]).toEqual(expect.any(String));
    expect([ids[1], ids[2], ids[3]]).toEqual([ids[0], expect.not.stringMatching(`^${ids[0]}$`), ids[2]]);
  });

  it('gives probes and scrapes no request logger: no completion line, no request binding', async () => {
    await fastify.inject({ method: 'GET', url: '/health/live' });

    expect(lines).toEqual([]);
  });
});
