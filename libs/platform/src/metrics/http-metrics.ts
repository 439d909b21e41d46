import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { operationOf } from '../logging/request-labels';
import { traceRequests } from '../tracing/server-spans';

const READINESS_ROUTE = '/health/ready';

/** The requests of one operation and status: one labels object for both metrics, and those the counter has not been given yet. */
interface Tally {
  readonly labels: { operation: string; status: string };
  uncounted: number;
}

/**
 * Request count and latency per operation and status, recorded when the response is sent; the
 * readiness probe's last answer, which alerts watch for flapping (kubelet probes keep it fresh);
 * and a server span per request (see {@link traceRequests}).
 */
export function instrumentHttp(fastify: FastifyInstance, registry: Registry): void {
  // By operation, then status: bounded (operations are a fixed set, routes are patterns).
  const tallies = new Map<string, Map<number, Tally>>();
  const tallyOf = (operation: string, status: number): Tally => {
    let byStatus = tallies.get(operation);
    if (!byStatus) tallies.set(operation, (byStatus = new Map()));
    let tally = byStatus.get(status);
    if (!tally) byStatus.set(status, (tally = { labels: { operation, status: String(status) }, uncounted: 0 }));
    return tally;
  };
  new Counter({
    name: 'rekey_http_requests_total',
    help: 'HTTP requests answered, by operation and status code',
    labelNames: ['operation', 'status'],
    registers: [registry],
    // Counted per request in a tally and added when scraped: prom-client hashes and validates the
    // labels on each inc, a measurable part of a request's cost.
    collect() {
      for (const byStatus of tallies.values()) {
        for (const tally of byStatus.values()) {
          if (tally.uncounted > 0) this.inc(tally.labels, tally.uncounted);
          tally.uncounted = 0;
        }
      }
    },
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
    const route = request.routeOptions?.url;
    const tally = tallyOf(operationOf(request, route), reply.statusCode);
    tally.uncounted += 1;
    latency.observe(tally.labels, reply.elapsedTime / 1000);
    if (route === READINESS_ROUTE) ready.set(reply.statusCode === 200 ? 1 : 0);
    done();
  });
  traceRequests(fastify);
}
