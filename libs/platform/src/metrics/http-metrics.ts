import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { operationOf } from '../logging/request-labels';
import { traceRequests } from '../tracing/server-spans';

const READINESS_ROUTE = '/health/ready';

/**
 * Request count and latency per operation and status, recorded when the response is sent; the
 * readiness probe's last answer, which alerts watch for flapping (kubelet probes keep it fresh);
 * and a server span per request (see {@link traceRequests}).
 */
export function instrumentHttp(fastify: FastifyInstance, registry: Registry): void {
  const requests = new Counter({
    name: 'rekey_http_requests_total',
    help: 'HTTP requests answered, by operation and status code',
    labelNames: ['operation', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'rekey_http_request_duration_seconds',
    help: 'Time from request received to response sent, by operation and status code',
    labelNames: ['operation', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const ready = new Gauge({ name: 'rekey_ready', help: 'Answer of the last readiness probe: 1 ready, 0 not ready', registers: [registry] });
  fastify.addHook('onResponse', (request, reply, done) => {
    const labels = { operation: operationOf(request), status: String(reply.statusCode) };
    requests.inc(labels);
    latency.observe(labels, reply.elapsedTime / 1000);
    if (request.routeOptions?.url === READINESS_ROUTE) ready.set(reply.statusCode === 200 ? 1 : 0);
    done();
  });
  traceRequests(fastify);
}
