import { context, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isProbeOrScrape, operationOf } from '../logging/request-labels';
import { contextWithTraceparent, TRACER_NAME } from './trace-context';
import { tracingStarted } from './tracing-sdk';

const spans = new WeakMap<FastifyRequest, Span>();

/**
 * A SERVER span per request, named by its AWS operation once known, continuing the caller's W3C
 * `traceparent` header. Started when the request arrives; active from the handler on (after the
 * body is read, whose stream callbacks would not keep the context), so what the handler records
 * (events and their `ce_traceparent`, log lines) belongs to it. Attributes: method, route pattern,
 * operation and status only: no path (ids), header (credentials) or body (tokens). Without the
 * SDK (no `OTEL_*` endpoint) no hook is added: requests pay nothing for tracing.
 */
export function traceRequests(fastify: FastifyInstance): void {
  if (!tracingStarted()) return;
  const tracer = trace.getTracer(TRACER_NAME);
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (!isProbeOrScrape(request.url)) {
      const traceparent = request.headers.traceparent;
      const parent = contextWithTraceparent(typeof traceparent === 'string' ? traceparent : undefined);
      spans.set(request, tracer.startSpan(`${request.method}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method } }, parent));
    }
    done();
  });
  fastify.addHook('preHandler', (request, _reply, done) => {
    const span = spans.get(request);
    if (span) context.with(trace.setSpan(context.active(), span), done);
    else done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request);
    if (span) {
      const operation = operationOf(request);
      span.updateName(operation);
      span.setAttributes({ 'rpc.method': operation, 'http.route': request.routeOptions?.url ?? '', 'http.response.status_code': reply.statusCode });
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    spans.get(request)?.end();
    done();
  });
}
