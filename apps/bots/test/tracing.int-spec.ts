import { ChimeClient, CreateAccountCommand, CreateBotCommand, RegenerateSecurityTokenCommand } from '@aws-sdk/client-chime';
import { Controller, DynamicModule, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { SpanKind } from '@opentelemetry/api';
import { EVENT_TYPES, TokenRotatedData, TOPICS } from '@rekey/contracts';
import { EventsModule, KafkaEventTransport } from '@rekey/events';
import { activeTraceparent, PlatformModule, RekeyConfig } from '@rekey/platform';
import {
  awsClientConfig,
  DEV_TENANTS,
  eventually,
  installTestTracing,
  ofType,
  OtlpReceiver,
  ProductionApp,
  ReceivedSpan,
  spawnProductionApp,
  startTestApp,
  TestApp,
  TestTracing,
  TopicTail,
  uniqueName,
  waitUntilReady,
} from '@rekey/testing';

const GROUP = uniqueName('tracing');

/** A downstream app module handling TokenRotated: what it saw of each, by bot id. */
const handled = new Map<string, { traceparent?: string }>();

@Controller()
class RotationsSeen {
  @EventPattern(EVENT_TYPES.bots.TokenRotated, { group: GROUP })
  async rotated(@Payload() data: TokenRotatedData): Promise<void> {
    handled.set(data.resourceId, { traceparent: activeTraceparent() });
  }
}

@Module({})
class ConsumerModule {
  static register(config: RekeyConfig): DynamicModule {
    return { module: ConsumerModule, imports: [PlatformModule.forRoot(config), EventsModule.forRoot({ app: 'chat' })], controllers: [RotationsSeen] };
  }
}

/** Every leaf of a JSON statement, to check that none is a value. */
function leaves(json: unknown): unknown[] {
  return json !== null && typeof json === 'object' ? Object.values(json).flatMap(leaves) : [json];
}

/**
 * The bots app runs as its own process with the OpenTelemetry SDK configured by OTEL_* variables
 * only, exporting over OTLP to a receiver here; the consumer is an app module in this process,
 * traced by the same SDK setup into an InMemorySpanExporter.
 */
describe('tracing a rotation across processes', () => {
  let tracing: TestTracing;
  let receiver: OtlpReceiver;
  let bots: ProductionApp;
  let consumer: TestApp;
  let tail: TopicTail;

  beforeAll(async () => {
    tracing = await installTestTracing();
    receiver = await OtlpReceiver.start();
    bots = await spawnProductionApp('bots', receiver.appEnv, { fromSource: true });
    consumer = await startTestApp('chat', (config) => ConsumerModule.register(config));
    await consumer.nest.get(KafkaEventTransport).joined(GROUP);
    tail = await TopicTail.start(TOPICS.bots);
    await waitUntilReady(bots, 90_000);
  }, 150_000);
  afterAll(async () => {
    bots?.process.kill('SIGTERM');
    await bots?.exited;
    await tail?.stop();
    await consumer?.close();
    await receiver?.stop();
    await tracing?.uninstall();
  });

  const exported = (traceId: string) => receiver.spans.filter((span) => span.traceId === traceId);

  it('is one trace: the RegenerateSecurityToken server span, the create span of its TokenRotated carried on Kafka as ce_traceparent, and the consumer span in another process; no token, secret or body in any span', async () => {
    const chime = new ChimeClient(awsClientConfig(bots.url));
    const displayName = uniqueName('traced-body');
    const accountId = (await chime.send(new CreateAccountCommand({ Name: 'traced' }))).Account!.AccountId!;
    const created = (await chime.send(new CreateBotCommand({ AccountId: accountId, DisplayName: displayName }))).Bot!;
    const rotated = await chime.send(new RegenerateSecurityTokenCommand({ AccountId: accountId, BotId: created.BotId }));

    // The message's trace context is its create span's, in the request's trace.
    const [event] = await tail.waitFor(ofType(EVENT_TYPES.bots.TokenRotated, created.BotId!));
    const [, traceId, createSpanId] = event.headers.ce_traceparent.split('-');

    // Exported by the bots app over OTLP: the server span, named like the metrics' operation label...
    const server = await eventually(() => exported(traceId).find((span) => span.kind === SpanKind.SERVER), 20_000, 'the exported server span');
    expect(server).toMatchObject({ name: 'RegenerateSecurityToken', parentSpanId: '', scope: 'rekey', service: 'rekey-bots' });
    expect(server.attributes).toEqual({ 'http.request.method': 'POST', 'rpc.method': 'RegenerateSecurityToken', 'http.route': expect.any(String), 'http.response.status_code': 200 });
    // ...its TokenRotated's create span, child of it...
    const publish = await eventually(() => exported(traceId).find((span) => span.spanId === createSpanId), 20_000, 'the exported create span');
    expect(publish).toMatchObject({ name: 'rekey.bots.TokenRotated create', kind: SpanKind.PRODUCER, parentSpanId: server.spanId });
    expect(publish.attributes['cloudevents.event_id']).toBe(event.headers.ce_id);
    // ...and the MongoDB instrumentation's commands within it, their statements without a value.
    const commands: ReceivedSpan[] = exported(traceId).filter((span) => span.scope === '@opentelemetry/instrumentation-mongodb');
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) {
      expect(command).toMatchObject({ kind: SpanKind.CLIENT, parentSpanId: server.spanId, attributes: { 'db.system.name': 'mongodb' } });
      const statement = command.attributes['db.query.text'];
      if (statement !== undefined) expect(new Set(leaves(JSON.parse(String(statement))))).toEqual(new Set(['?']));
    }

    // Handled in this process in a CONSUMER span, child of the message's create span.
    const seen = await eventually(() => handled.get(created.BotId!), 20_000, 'the consumer handling the TokenRotated');
    const handling = tracing.spans.find((span) => span.kind === SpanKind.CONSUMER && span.attributes['cloudevents.event_id'] === event.headers.ce_id)!;
    expect(handling).toMatchObject({ name: 'rekey.bots.TokenRotated process', parentSpanContext: { spanId: createSpanId, isRemote: true } });
    expect(handling.spanContext().traceId).toBe(traceId);
    expect(seen.traceparent).toBe(`00-${traceId}-${handling.spanContext().spanId}-01`);

    // Nothing secret anywhere in what either process traced, the instrumentations' spans included.
    const secrets = [created.SecurityToken!, rotated.Bot!.SecurityToken!, DEV_TENANTS.A.secretAccessKey, displayName];
    const inMemory = JSON.stringify(tracing.spans.map((span) => [span.attributes, span.events, span.status, span.links]));
    expect(receiver.received(event.headers.ce_id)).toBe(true); // the search does find what was exported
    for (const secret of secrets) {
      expect(receiver.received(secret)).toBe(false);
      expect(inMemory).not.toContain(secret);
    }
  });

  it("continues a caller's traceparent, and leaves probes and scrapes untraced", async () => {
    const before = receiver.spans.length;
    await fetch(`${bots.url}/health/ready`);
    await fetch(`${bots.url}/metrics`);
    const refused = await fetch(`${bots.url}/accounts`, { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
    expect(refused.status).toBe(401);

    const span = await eventually(() => exported('0af7651916cd43dd8448eb211c80319c')[0], 20_000, 'the continued server span');
    expect(span).toMatchObject({ name: 'ListAccounts', kind: SpanKind.SERVER, parentSpanId: 'b7ad6b7169203331', attributes: { 'http.response.status_code': 401 } });
    // Spans export in the order they end: the probe's and the scrape's would have come first.
    expect(receiver.spans.slice(before).filter((received) => received.kind === SpanKind.SERVER)).toEqual([span]);
  });
});
