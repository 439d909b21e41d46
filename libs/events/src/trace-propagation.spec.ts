import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { activeTraceparent, contextWithTraceparent, inConsumerSpan, loggerOptions, RekeyConfig, traceLogFields } from '@rekey/platform';
import pino from 'pino';
import { installTestTracing, TestTracing } from '@rekey/testing';
import { fromKafkaMessage, toKafkaMessage } from './envelope';
import { newEvent } from './event';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

const recordRotation = () =>
  newEvent('bots', { type: 'rekey.bots.TokenRotated', subject: '/bots/b1', tenant: '111111111111', key: 'b1', data: { generation: 2 } });

/** The event as a consumer parses it from the Kafka message the relay would send. */
function throughKafka(event: ReturnType<typeof recordRotation>) {
  const message = toKafkaMessage(event);
  const headers = Object.fromEntries(Object.entries(message.headers!).map(([k, v]) => [k, Buffer.from(String(v))]));
  return fromKafkaMessage('rekey.bots.v1', 0, { key: Buffer.from('b1'), value: Buffer.from(String(message.value)), headers, offset: '7' });
}

describe('trace context without an SDK', () => {
  it('is absent: no traceparent, no log fields, consumer handlers still run', async () => {
    expect(activeTraceparent()).toBeUndefined();
    expect(traceLogFields()).toEqual({});
    await expect(inConsumerSpan({ id: 'e1', type: 'rekey.bots.BotCreated', topic: 't', group: 'g', traceparent: TRACEPARENT }, async () => 'handled')).resolves.toBe('handled');
  });

  it("passes an event's recorded trace context on to its message unchanged", () => {
    expect(toKafkaMessage({ ...recordRotation(), traceparent: TRACEPARENT }).headers).toMatchObject({ ce_traceparent: TRACEPARENT });
  });

  it('records events without ce_traceparent', () => {
    const event = recordRotation();
    expect(event).not.toHaveProperty('traceparent');
    expect(toKafkaMessage(event).headers).not.toHaveProperty('ce_traceparent');
    expect(throughKafka(event)).not.toHaveProperty('traceparent');
  });
});

describe('trace context with a tracer and a context manager registered', () => {
  let tracing: TestTracing;
  beforeAll(async () => (tracing = await installTestTracing()));
  afterAll(() => tracing.uninstall());

  it('gives the active span as a W3C traceparent and as log fields', () => {
    tracing.inSpan('CreateBot', (span) => {
      const { traceId, spanId } = span.spanContext();
      expect(activeTraceparent()).toBe(`00-${traceId}-${spanId}-01`);
      expect(traceLogFields()).toEqual({ trace_id: traceId, span_id: spanId });
    });
    expect(activeTraceparent()).toBeUndefined();
  });

  it('carries the recording span into the event, a create span onto Kafka as ce_traceparent, and on into the consumer span', async () => {
    const { event, server } = tracing.inSpan('RegenerateSecurityToken', (span) => ({ event: recordRotation(), server: span.spanContext() }));
    expect(event.traceparent).toBe(`00-${server.traceId}-${server.spanId}-01`);
    const received = throughKafka(event);
    const producer = tracing.spans.at(-1)!;
    expect(producer).toMatchObject({ name: 'rekey.bots.TokenRotated create', kind: SpanKind.PRODUCER, ended: true, parentSpanContext: { spanId: server.spanId } });
    expect(producer.attributes).toEqual({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'create',
      'messaging.message.id': event.id,
      'cloudevents.event_id': event.id,
      'cloudevents.event_type': 'rekey.bots.TokenRotated',
    });
    expect(received.traceparent).toBe(`00-${server.traceId}-${producer.spanContext().spanId}-01`);

    await inConsumerSpan({ id: received.id, type: received.type, topic: received.topic, group: 'chat.bots', traceparent: received.traceparent }, async () => undefined);
    const consumer = tracing.spans.at(-1)!;
    expect(consumer.spanContext().traceId).toBe(server.traceId);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
  });

  it('writes trace_id and span_id on the log lines written inside a span', () => {
    const lines: string[] = [];
    const { mixin } = loggerOptions({ app: 'bots', logLevel: 'info' } as RekeyConfig).pinoHttp as pino.LoggerOptions;
    const logger = pino({ mixin }, { write: (line: string) => lines.push(line) });
    logger.info('outside');
    const { traceId, spanId } = tracing.inSpan('CreateBot', (span) => {
      logger.info('inside');
      return span.spanContext();
    });
    expect(JSON.parse(lines[0])).not.toHaveProperty('trace_id');
    expect(JSON.parse(lines[1])).toMatchObject({ msg: 'inside', trace_id: traceId, span_id: spanId });
  });

  it('continues a remote traceparent, and ignores a malformed one', () => {
    expect(trace.getSpanContext(contextWithTraceparent(TRACEPARENT))).toEqual({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });
    for (const bad of [undefined, 'garbage', '00-00000000000000000000000000000000-b7ad6b7169203331-01', '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01']) {
      expect(contextWithTraceparent(bad)).toBe(context.active());
    }
  });

  it('handles an event in a consumer span, child of its ce_traceparent, with identifiers only', async () => {
    const event = { id: 'e2', type: 'rekey.bots.TokenRotated', topic: 'rekey.bots.v1', group: 'chat.bots', traceparent: TRACEPARENT };
    const seen = await inConsumerSpan(event, async () => activeTraceparent());
    const span = tracing.spans.at(-1)!;
    expect(span).toMatchObject({ name: 'rekey.bots.TokenRotated process', kind: SpanKind.CONSUMER, ended: true, parentSpanContext: { spanId: 'b7ad6b7169203331' } });
    expect(span.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(seen).toBe(`00-0af7651916cd43dd8448eb211c80319c-${span.spanContext().spanId}-01`);
    expect(span.attributes).toEqual({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'rekey.bots.v1',
      'messaging.consumer.group.name': 'chat.bots',
      'messaging.message.id': 'e2',
      'cloudevents.event_id': 'e2',
      'cloudevents.event_type': 'rekey.bots.TokenRotated',
    });
  });

  it("marks a failed handling as an error by the error's class, not its message", async () => {
    const failing = inConsumerSpan({ id: 'e3', type: 't', topic: 't', group: 'g' }, async () => {
      throw new TypeError('secret-looking input');
    });
    await expect(failing).rejects.toThrow(TypeError);
    expect(tracing.spans.at(-1)!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'TypeError' });
  });
});
