import { Parser } from '@asyncapi/parser';
import { EVENT_CATALOG, EVENT_TYPES, TOPICS } from '@rekey/contracts';
import { newEvent, toKafkaMessage } from '@rekey/events';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ASYNCAPI_PATH, asyncApiYaml } from './asyncapi-document';

const ERROR = 0;
const file = readFileSync(ASYNCAPI_PATH, 'utf8');

async function errorsOf(text: string): Promise<string[]> {
  const { diagnostics } = await new Parser().parse(text);
  return diagnostics.filter((d) => d.severity === ERROR).map((d) => `${d.path.join('.')}: ${d.message}`);
}

describe('docs/asyncapi.yaml', () => {
  it('is what libs/contracts and docs/events.md give (else: node -r @swc-node/register tools/asyncapi/generate.ts)', () => {
    const generated = asyncApiYaml();
    expect(parse(file)).toEqual(parse(generated));
    expect(file).toBe(generated);
  });

  it('is a valid AsyncAPI 3 document with every topic (the apps\' and the command topics), its dead letters and every event type', async () => {
    const { document, diagnostics } = await new Parser().parse(file);
    expect(diagnostics.filter((d) => d.severity === ERROR)).toEqual([]);
    const addresses = document!.allChannels().all().map((channel) => channel.address());
    const topics = new Set([...Object.values(TOPICS), ...Object.values(EVENT_CATALOG).map((contract) => contract.topic)]);
    expect(addresses.sort()).toEqual([...topics].flatMap((topic) => [topic, `${topic}.dlq`]).sort());
    const types = Object.values(EVENT_TYPES).flatMap((byApp) => Object.values(byApp));
    expect(document!.components().messages().all().map((message) => message.name()).sort()).toEqual([...types].sort());
  });

  it('is checked for real: the parser refuses a reference to a message that does not exist', async () => {
    const broken = file.replace('$ref: "#/components/messages/rekey.bots.BotCreated"', '$ref: "#/components/messages/rekey.bots.Nothing"');
    expect(broken).not.toBe(file);
    expect(await errorsOf(broken)).not.toEqual([]);
  });

  it('describes the headers the producer sends, with and without a trace context', () => {
    const { schemas } = (parse(file) as { components: { schemas: Record<string, { required: string[]; properties: Record<string, unknown> }> } }).components;
    const documented = schemas.CloudEventHeaders;
    const event = newEvent('bots', { type: EVENT_TYPES.bots.BotCreated, subject: '/bots/b1', tenant: '111111111111', key: 'b1', data: {} });
    for (const sent of [event, { ...event, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }]) {
      const headers = Object.keys(toKafkaMessage(sent).headers!);
      expect(headers.filter((name) => !(name in documented.properties))).toEqual([]);
      expect(documented.required.filter((name) => !headers.includes(name))).toEqual([]);
    }
  });
});
