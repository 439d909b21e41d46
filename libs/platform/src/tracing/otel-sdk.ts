import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, Sampler, SpanProcessor, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_URL_FULL, ATTR_URL_PATH, ATTR_URL_QUERY } from '@opentelemetry/semantic-conventions';
import type { TracingSettings } from '../config/rekey-config';

function samplerOf({ sampler, samplerRatio }: TracingSettings): Sampler {
  const parentBased = sampler.startsWith('parentbased_');
  const rootName = parentBased ? sampler.slice('parentbased_'.length) : sampler;
  const root = rootName === 'always_on' ? new AlwaysOnSampler() : rootName === 'always_off' ? new AlwaysOffSampler() : new TraceIdRatioBasedSampler(samplerRatio);
  return parentBased ? new ParentBasedSampler({ root }) : root;
}

/**
 * Instrumentations where they are sound; Rekey's own spans elsewhere:
 * - MongoDB: one CLIENT span per command in a trace, its statement with every value replaced by
 *   `?` (`enhancedDatabaseReporting` off), so no token, secret or document reaches a span.
 * - undici: bot event deliveries; the URL is cut to its origin (an endpoint's path or query can
 *   hold the receiver's own secret).
 * Not: incoming HTTP (the server span is Rekey's, named by the AWS operation; WebSocket handshakes
 * carry tokens in headers), outgoing `node:http` (the apps make no such calls in a request), and
 * kafkajs (Rekey's producer and consumer spans carry the trace as `ce_traceparent`; kafkajs's
 * would add a second consumer span per message and a `traceparent` header from the relay).
 */
function instrumentations() {
  return [
    new MongoDBInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
    new UndiciInstrumentation({
      requireParentforSpans: true,
      startSpanHook: (request) => ({ [ATTR_URL_FULL]: request.origin, [ATTR_URL_PATH]: undefined, [ATTR_URL_QUERY]: undefined }),
    }),
  ];
}

/**
 * The OpenTelemetry SDK for one process: a tracer provider exporting over OTLP/HTTP
 * (`settings.otlpTracesUrl`) unless `processor` replaces the exporter, the AsyncLocalStorage
 * context manager, and the instrumentations. No global propagator: trace context crosses processes
 * only where Rekey carries it (an incoming `traceparent`, the events' `ce_traceparent`), never into
 * calls to bots' endpoints. Returns the function that exports what is buffered and stops it.
 */
export function startSdk(settings: TracingSettings, processor?: SpanProcessor): () => Promise<void> {
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ ...settings.resourceAttributes, [ATTR_SERVICE_NAME]: settings.serviceName })),
    sampler: samplerOf(settings),
    spanProcessors: [processor ?? new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.otlpTracesUrl }))],
  });
  provider.register({ propagator: null });
  const unregister = registerInstrumentations({ tracerProvider: provider, instrumentations: instrumentations() });
  return async () => {
    unregister();
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  };
}
