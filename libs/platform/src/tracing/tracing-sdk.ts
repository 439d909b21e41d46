import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TracingSettings } from '../config/rekey-config';

/** The running SDK: shut it down last, so that the spans of the shutdown itself are exported. */
export interface TracingSdk {
  /** Exports what is buffered, then stops tracing and unpatches the instrumented modules. */
  shutdown(): Promise<void>;
}

let started = false;

/** Whether {@link startTracing} has started the SDK: without it, request hooks have nothing to record. */
export function tracingStarted(): boolean {
  return started;
}

/**
 * Starts the OpenTelemetry SDK for the app (see `otel-sdk.ts`: OTLP export, sampler, context
 * manager, instrumentations); `processor` replaces the exporter, e.g. with an in-memory one in
 * tests. Must run before the instrumented modules (mongodb) are first required: `runApp` starts it
 * before loading the app. The SDK's modules are loaded only here, so an app with tracing off never
 * loads them.
 */
export async function startTracing(settings: TracingSettings, processor?: SpanProcessor): Promise<TracingSdk> {
  const { startSdk } = await import('./otel-sdk');
  const stop = startSdk(settings, processor);
  started = true;
  return {
    shutdown: async () => {
      started = false;
      await stop();
    },
  };
}
