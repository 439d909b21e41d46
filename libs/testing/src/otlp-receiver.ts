import { Attributes, SpanKind } from '@opentelemetry/api';
import { createServer, Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { Root } from 'protobufjs';
import { freePort } from './production-app';

/** The parts of OTLP's trace protobuf a test reads (unknown fields are skipped when decoding). */
const OTLP = Root.fromJSON({
  nested: {
    ExportTraceServiceRequest: { fields: { resourceSpans: { rule: 'repeated', type: 'ResourceSpans', id: 1 } } },
    ResourceSpans: { fields: { resource: { type: 'Resource', id: 1 }, scopeSpans: { rule: 'repeated', type: 'ScopeSpans', id: 2 } } },
    Resource: { fields: { attributes: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
    ScopeSpans: { fields: { scope: { type: 'InstrumentationScope', id: 1 }, spans: { rule: 'repeated', type: 'Span', id: 2 } } },
    InstrumentationScope: { fields: { name: { type: 'string', id: 1 } } },
    Span: {
      fields: {
        traceId: { type: 'bytes', id: 1 },
        spanId: { type: 'bytes', id: 2 },
        parentSpanId: { type: 'bytes', id: 4 },
        name: { type: 'string', id: 5 },
        kind: { type: 'int32', id: 6 },
        attributes: { rule: 'repeated', type: 'KeyValue', id: 9 },
      },
    },
    KeyValue: { fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } } },
    AnyValue: {
      fields: {
        stringValue: { type: 'string', id: 1 },
        boolValue: { type: 'bool', id: 2 },
        intValue: { type: 'int64', id: 3 },
        doubleValue: { type: 'double', id: 4 },
        arrayValue: { type: 'ArrayValue', id: 5 },
      },
    },
    ArrayValue: { fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } } },
  },
}).lookupType('ExportTraceServiceRequest');

interface KeyValue {
  key: string;
  value?: { stringValue?: string; boolValue?: boolean; intValue?: number; doubleValue?: number; arrayValue?: { values?: KeyValue['value'][] } };
}
interface DecodedSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId?: Uint8Array;
  name: string;
  kind: number;
  attributes?: KeyValue[];
}
interface DecodedRequest {
  resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { scope?: { name: string }; spans?: DecodedSpan[] }[] }[];
}

/** A span as an OTLP collector received it. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  kind: SpanKind;
  attributes: Attributes;
  /** The instrumentation scope: `rekey` for Rekey's own spans, the instrumentation's package otherwise. */
  scope: string;
  /** Its resource's `service.name`. */
  service: string;
}

function valueOf(value: KeyValue['value']): unknown {
  if (value?.arrayValue) return (value.arrayValue.values ?? []).map(valueOf);
  return value?.stringValue ?? value?.boolValue ?? value?.intValue ?? value?.doubleValue;
}

const attributesOf = (keyValues: KeyValue[] = []) => Object.fromEntries(keyValues.map(({ key, value }) => [key, valueOf(value)])) as Attributes;
const hex = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('hex');

/**
 * An OTLP/HTTP (protobuf) traces endpoint on loopback: what an app configured with
 * `OTEL_EXPORTER_OTLP_ENDPOINT=<url>` exports, decoded, plus the raw bodies (to look for a value
 * in anything exported, whatever field holds it).
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  private readonly bodies: Buffer[] = [];

  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(Buffer.concat(chunks)) : Buffer.concat(chunks);
      if (request.url === '/v1/traces') this.receive(body);
      response.writeHead(request.url === '/v1/traces' ? 200 : 404, { 'content-type': 'application/x-protobuf' }).end();
    });
  });

  private constructor(
    /** Base URL, for OTEL_EXPORTER_OTLP_ENDPOINT. */
    readonly url: string,
  ) {}

  static async start(): Promise<OtlpReceiver> {
    const port = await freePort();
    const receiver = new OtlpReceiver(`http://127.0.0.1:${port}`);
    await new Promise<void>((resolve) => receiver.server.listen(port, '127.0.0.1', resolve));
    return receiver;
  }

  /**
   * The settings that point an app at this receiver, with a short batch delay so that a test need
   * not wait the default 5 s for each export.
   */
  get appEnv(): NodeJS.ProcessEnv {
    return { OTEL_EXPORTER_OTLP_ENDPOINT: this.url, OTEL_BSP_SCHEDULE_DELAY: '100' };
  }

  /** Whether `text` occurs anywhere in what was exported (attributes, events, status, resource). */
  received(text: string): boolean {
    return this.bodies.some((body) => body.includes(text));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private receive(body: Buffer): void {
    this.bodies.push(body);
    const request = OTLP.toObject(OTLP.decode(body), { longs: Number }) as DecodedRequest;
    for (const { resource, scopeSpans = [] } of request.resourceSpans ?? []) {
      const service = String(attributesOf(resource?.attributes)['service.name']);
      for (const { scope, spans = [] } of scopeSpans) {
        for (const span of spans) {
          this.spans.push({
            traceId: hex(span.traceId),
            spanId: hex(span.spanId),
            parentSpanId: hex(span.parentSpanId),
            name: span.name,
            // OTLP counts from SPAN_KIND_UNSPECIFIED = 0; the API from INTERNAL = 0.
            kind: (span.kind - 1) as SpanKind,
            attributes: attributesOf(span.attributes),
            scope: scope?.name ?? '',
            service,
          });
        }
      }
    }
  }
}
