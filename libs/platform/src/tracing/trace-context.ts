import { Context, context, isSpanContextValid, Span, SpanContext, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';

/**
 * Trace context across the outbox and Kafka, on `@opentelemetry/api` alone: with no SDK registered
 * every function here is a cheap no-op; once an SDK is (see docs/observability.md), requests'
 * server spans flow into the events they record (`ce_traceparent`) and on into their consumers.
 */

/** Name of the tracer of Rekey's own spans. */
export const TRACER_NAME = 'rekey';

// W3C Trace Context, version 00: the format the CloudEvents distributed-tracing extension fixes,
// whatever propagators the SDK is configured with.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function traceparentOf(spanContext: SpanContext | undefined): string | undefined {
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  const sampled = (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
  return `00-${spanContext.traceId}-${spanContext.spanId}-${sampled ? '01' : '00'}`;
}

/** The W3C `traceparent` of the active span, or undefined when no (valid) span is active. */
export function activeTraceparent(): string | undefined {
  return traceparentOf(trace.getActiveSpan()?.spanContext());
}

/** The active context with `traceparent` as its remote parent; the active context alone when it is absent or malformed. */
export function contextWithTraceparent(traceparent: string | undefined): Context {
  const parsed = traceparent === undefined ? null : TRACEPARENT.exec(traceparent);
  if (!parsed) return context.active();
  const spanContext = { traceId: parsed[1], spanId: parsed[2], traceFlags: parseInt(parsed[3], 16) & TraceFlags.SAMPLED, isRemote: true };
  return isSpanContextValid(spanContext) ? trace.setSpanContext(context.active(), spanContext) : context.active();
}

/** `trace_id` and `span_id` of the active span, for log lines; nothing outside a span. */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {};
}

/** What messaging spans say of an event: identifiers only, never its data. */
export interface TracedEvent {
  id: string;
  type: string;
  traceparent?: string;
}

/** A consumed event: also where it came from and who handles it. */
export interface ConsumedEvent extends TracedEvent {
  topic: string;
  group: string;
}

/**
 * The `ce_traceparent` of the Kafka message made for an event: a PRODUCER span (`<ce_type> create`)
 * child of the context the event was recorded in, so consumers continue from the message's
 * creation. Undefined for an event recorded outside a trace.
 */
export function messageTraceparent(event: TracedEvent): string | undefined {
  if (event.traceparent === undefined) return undefined;
  const attributes = { 'messaging.system': 'kafka', 'messaging.operation.type': 'create', 'messaging.message.id': event.id, 'cloudevents.event_id': event.id, 'cloudevents.event_type': event.type };
  const span = trace.getTracer(TRACER_NAME).startSpan(`${event.type} create`, { kind: SpanKind.PRODUCER, attributes }, contextWithTraceparent(event.traceparent));
  span.end();
  // Without an SDK the span is the event's own context again.
  return traceparentOf(span.spanContext()) ?? event.traceparent;
}

/**
 * Runs `handle` in a CONSUMER span that continues the event's trace (`ce_traceparent`), named
 * `<ce_type> process` with OpenTelemetry's messaging attributes; a failure marks it as an error.
 */
export function inConsumerSpan<T>(event: ConsumedEvent, handle: () => Promise<T>): Promise<T> {
  const attributes = {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.destination.name': event.topic,
    'messaging.consumer.group.name': event.group,
    'messaging.message.id': event.id,
    'cloudevents.event_id': event.id,
    'cloudevents.event_type': event.type,
  };
  return trace.getTracer(TRACER_NAME).startActiveSpan(`${event.type} process`, { kind: SpanKind.CONSUMER, attributes }, contextWithTraceparent(event.traceparent), async (span: Span) => {
    try {
      return await handle();
    } catch (error) {
      // The class only: a message could quote input.
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
      throw error;
    } finally {
      span.end();
    }
  });
}
