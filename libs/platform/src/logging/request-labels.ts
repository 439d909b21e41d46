import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';

/** Probes and scrapes: neither logged nor traced, as kubelets and Prometheus would drown both. */
const PROBE_OR_SCRAPE = /^\/(health|metrics)\b/;

const OPERATION = Symbol('rekey.operation');
const TENANT = Symbol('rekey.tenant');

/** Labels live on the raw Node request, which both Fastify hooks and the pino-http logger see. */
type LabelledMessage = IncomingMessage & { [OPERATION]?: string; [TENANT]?: string };

/**
 * Names the operation a request performs, for metrics and logs, where the route alone does not
 * (awsJson1_1 serves every operation on `POST /`). Only ever a name from a fixed set.
 */
export function labelOperation(request: FastifyRequest, operation: string): void {
  (request.raw as LabelledMessage)[OPERATION] = operation;
}

/** Records the authenticated tenant (12-digit account) for the request's log lines. */
export function labelTenant(request: FastifyRequest, tenant: string): void {
  (request.raw as LabelledMessage)[TENANT] = tenant;
}

export function operationLabel(message: IncomingMessage): string | undefined {
  return (message as LabelledMessage)[OPERATION];
}

export function tenantLabel(message: IncomingMessage): string | undefined {
  return (message as LabelledMessage)[TENANT];
}

/**
 * The operation of a request: the one set by labelOperation, else the route pattern (bounded).
 * `route` spares a caller that already read the pattern a second read: Fastify builds a new
 * routeOptions object on each.
 */
export function operationOf(request: FastifyRequest, route: string | undefined = request.routeOptions?.url): string {
  const labelled = operationLabel(request.raw);
  if (labelled) return labelled;
  return route ? `${request.method} ${route}` : 'unmatched';
}

/** Whether a request URL is a probe or a scrape (see PROBE_OR_SCRAPE). */
export function isProbeOrScrape(url: string): boolean {
  return PROBE_OR_SCRAPE.test(url);
}
