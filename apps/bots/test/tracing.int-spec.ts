import { ChimeClient, CreateAccountCommand, CreateBotCommand, RegenerateSecurityTokenCommand } from '@aws-sdk/client-chime';
import { Controller, DynamicModule, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { SpanKind } from '@opentelemetry/api';
import { EVENT_TYPES, TokenRotatedData, TOPICS } from '@rekey/contracts';
import { EventsModule, KafkaEventTransport } from '@rekey/events';
import { activeTraceparent, PlatformModule, RekeyConfig } from '@rekey/platform';
import { awsClientConfig, eventually, installTestTracing, ofType, startTestApp, TestApp, TestTracing, TopicTail, uniqueName } from '@rekey/testing';
import { BotsAppModule } from '../src/app.module';

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

describe('tracing a rotation', () => {
  let tracing: TestTracing;
  let app: TestApp;
  let consumer: TestApp;
  let tail: TopicTail;

  beforeAll(async () => {
    tracing = installTestTracing();
    app = await startTestApp('bots', (config) => BotsAppModule.register(config));
    consumer = await startTestApp('chat', (config) => ConsumerModule.register(config));
    await consumer.nest.get(KafkaEventTransport).joined(GROUP);
    tail = await TopicTail.start(TOPICS.bots);
  });
  afterAll(async () => {
    await tail?.stop();
    await consumer?.close();
    await app?.close();
    tracing.uninstall();
  });

  it('is one trace: the RegenerateSecurityToken server span, the create span of its TokenRotated carried on Kafka as ce_traceparent, and the consumer span of another module; no token in any attribute', async () => {
    const chime = new ChimeClient(awsClientConfig(app.url));
    const accountId = (await chime.send(new CreateAccountCommand({ Name: 'traced' }))).Account!.AccountId!;
    const created = (await chime.send(new CreateBotCommand({ AccountId: accountId, DisplayName: 'traced' }))).Bot!;
    const rotated = await chime.send(new RegenerateSecurityTokenCommand({ AccountId: accountId, BotId: created.BotId }));

    const servers = tracing.spans.filter((span) => span.kind === SpanKind.SERVER);
    // Named like the metrics' operation label.
    expect(servers.map((span) => span.name)).toEqual(['CreateAccount', 'CreateBot', 'RegenerateSecurityToken']);
    const server = servers[2];
    expect(server.ended).toBe(true);
    expect(server.attributes).toEqual({ 'http.request.method': 'POST', 'rpc.method': 'RegenerateSecurityToken', 'http.route': expect.any(String), 'http.response.status_code': 200 });

    const [event] = await tail.waitFor(ofType(EVENT_TYPES.bots.TokenRotated, created.BotId!));
    // The message's trace context is its create span's (one per send attempt), in the request's trace.
    const [, traceId, spanId] = event.headers.ce_traceparent.split('-');
    expect(traceId).toBe(server.spanContext().traceId);
    const publish = tracing.spans.find((span) => span.spanContext().spanId === spanId);
    expect(publish).toMatchObject({ name: 'rekey.bots.TokenRotated create', kind: SpanKind.PRODUCER, parent: { spanId: server.spanContext().spanId } });
    expect(publish!.attributes['cloudevents.event_id']).toBe(event.headers.ce_id);

    // The other app module handles it in a CONSUMER span, child of the message's create span.
    const seen = await eventually(() => handled.get(created.BotId!), 20_000, 'the consumer handling the TokenRotated');
    const handling = tracing.spans.find((span) => span.kind === SpanKind.CONSUMER && span.attributes['cloudevents.event_id'] === event.headers.ce_id)!;
    expect(handling).toMatchObject({ name: 'rekey.bots.TokenRotated process', ended: true, parent: { spanId } });
    expect(handling.spanContext().traceId).toBe(server.spanContext().traceId);
    expect(seen.traceparent).toBe(`00-${traceId}-${handling.spanContext().spanId}-01`);

    const everyAttribute = JSON.stringify(tracing.spans.map((span) => span.attributes));
    for (const token of [created.SecurityToken!, rotated.Bot!.SecurityToken!]) expect(everyAttribute).not.toContain(token);
  });

  it("continues a caller's traceparent, and leaves probes and scrapes untraced", async () => {
    const before = tracing.spans.length;
    await fetch(`${app.url}/health/ready`);
    await fetch(`${app.url}/metrics`);
    const refused = await fetch(`${app.url}/accounts`, { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
    expect(refused.status).toBe(401);

    // (The bots app also consumes its deliveries topic: its consumer spans are left out here.)
    const spans = tracing.spans.slice(before).filter((span) => span.kind === SpanKind.SERVER);
    expect(spans.map((span) => span.name)).toEqual(['ListAccounts']);
    expect(spans[0].spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(spans[0].parent).toMatchObject({ spanId: 'b7ad6b7169203331', isRemote: true });
    expect(spans[0].attributes['http.response.status_code']).toBe(401);
    expect(spans[0].ended).toBe(true);
  });
});
