import { Span, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTracing, TRACER_NAME } from '@rekey/platform';

export interface TestTracing {
  /** Every span ended since installation, in the order they ended. */
  readonly spans: ReadableSpan[];
  /** Runs `fn` in a fresh root span, as a traced request's server span would, and ends it. */
  inSpan<T>(name: string, fn: (span: Span) => T): T;
  uninstall(): Promise<void>;
}

/**
 * Starts the apps' own tracing SDK (`startTracing`: sampler, context manager, instrumentations)
 * in this process, exporting every span to the SDK's InMemorySpanExporter as it ends. Install it
 * before starting the apps it is to trace: an app adds its server-span hooks only when tracing runs.
 */
export async function installTestTracing(): Promise<TestTracing> {
  const exporter = new InMemorySpanExporter();
  const settings = { serviceName: 'rekey-test', resourceAttributes: {}, sampler: 'parentbased_always_on', samplerRatio: 1, otlpTracesUrl: 'http://unused.invalid' } as const;
  const sdk = await startTracing(settings, new SimpleSpanProcessor(exporter));
  return {
    get spans() {
      return exporter.getFinishedSpans();
    },
    inSpan: (name, fn) =>
      trace.getTracer(TRACER_NAME).startActiveSpan(name, { kind: SpanKind.SERVER, root: true }, (span) => {
        try {
          return fn(span);
        } finally {
          span.end();
        }
      }),
    uninstall: () => sdk.shutdown(),
  };
}
