import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { once } from 'node:events';
import { createServer, IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';
import { request } from 'undici';
import { startTracing, TracingSdk } from './tracing-sdk';

describe('the tracing SDK on outgoing calls (undici: bot event deliveries)', () => {
  const exporter = new InMemorySpanExporter();
  let sdk: TracingSdk;
  const received: IncomingHttpHeaders[] = [];
  const server = createServer((incoming, response) => {
    received.push(incoming.headers);
    response.end('ok');
  });
  let origin: string;

  beforeAll(async () => {
    sdk = await startTracing({ serviceName: 'rekey-test', resourceAttributes: {}, sampler: 'always_on', samplerRatio: 1, otlpTracesUrl: 'http://unused.invalid' }, new SimpleSpanProcessor(exporter));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.close();
    await sdk.shutdown();
  });

  const post = () => request(`${origin}/hooks/receiver-secret?sig=query-secret`, { method: 'POST', body: '{"token":"body-secret"}' }).then((answer) => answer.body.text());

  it('records a CLIENT span inside a trace with the URL cut to its origin, and sends no trace context to the endpoint', async () => {
    const traceId = await trace.getTracer('test').startActiveSpan('DeliverEvent', async (span) => {
      await post();
      span.end();
      return span.spanContext().traceId;
    });
    const client = exporter.getFinishedSpans().find((span) => span.kind === SpanKind.CLIENT && span.spanContext().traceId === traceId)!;
    expect(client).toMatchObject({ name: 'POST', attributes: { 'url.full': origin, 'http.response.status_code': 200 } });
    expect(JSON.stringify(client.attributes)).not.toMatch(/secret/);
    expect(received.at(-1)).not.toHaveProperty('traceparent');
  });

  it('records nothing outside a trace', async () => {
    const before = exporter.getFinishedSpans().length;
    await post();
    expect(exporter.getFinishedSpans().length).toBe(before);
  });
});
