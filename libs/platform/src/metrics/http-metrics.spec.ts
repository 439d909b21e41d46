import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { labelOperation } from '../logging/request-labels';
import { instrumentHttp } from './http-metrics';

describe('instrumentHttp', () => {
  const registry = new Registry();
  const fastify = Fastify();
  let ready = true;

  beforeAll(async () => {
    instrumentHttp(fastify, registry);
    fastify.get('/health/ready', async (_request, reply) => reply.code(ready ? 200 : 503).send({}));
    fastify.post('/', async (request) => (labelOperation(request, 'GetBot'), {}));
    await fastify.ready();
  });
  afterAll(() => fastify.close());

  // The value of one series; NaN when it is absent.
  const line = (metrics: string, name: string, labels?: string) => Number(new RegExp(`^${name}${labels ? `\\{${labels}\\}` : ''} (\\d+)$`, 'm').exec(metrics)?.[1]);

  it('counts and times requests by operation and status, each scrape adding only what came since the last', async () => {
    for (const url of ['/', '/', '/nowhere']) await fastify.inject({ method: url === '/' ? 'POST' : 'GET', url });
    const first = await registry.metrics();
    await fastify.inject({ method: 'POST', url: '/' });
    const second = await registry.metrics();

    expect(line(first, 'rekey_http_requests_total', 'operation="GetBot",status="200"')).toBe(2);
    expect(line(first, 'rekey_http_requests_total', 'operation="unmatched",status="404"')).toBe(1);
    expect(line(first, 'rekey_http_request_duration_seconds_count', 'operation="GetBot",status="200"')).toBe(2);
    expect(line(second, 'rekey_http_requests_total', 'operation="GetBot",status="200"')).toBe(3);
    expect(line(second, 'rekey_http_request_duration_seconds_bucket', 'le="\\+Inf",operation="GetBot",status="200"')).toBe(3);
    expect(line(second, 'rekey_http_requests_total', 'operation="unmatched",status="404"')).toBe(1);
  });

  it("keeps the readiness probe's last answer", async () => {
    ready = false;
    await fastify.inject({ method: 'GET', url: '/health/ready' });
    expect(line(await registry.metrics(), 'rekey_ready')).toBe(0);
    ready = true;
    await fastify.inject({ method: 'GET', url: '/health/ready' });
    expect(line(await registry.metrics(), 'rekey_ready')).toBe(1);
    expect(line(await registry.metrics(), 'rekey_http_requests_total', 'operation="GET /health/ready",status="503"')).toBe(1);
  });
});
