import { APP_NAMES, EVENT_CATALOG, EVENT_SOURCES, TOPICS } from '@rekey/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { JsonSchema, PayloadSchemas } from './payload-schema';
import { withValidationRules } from './validation-rules';

/** What the document is made of: each event type's topic, `ce_source` and payload class. */
interface CatalogEntry {
  type: string;
  topic: string;
  /** The producing app's `ce_source`; undefined on a command topic others produce to. */
  source?: string;
  payload: new () => object;
}

const root = join(__dirname, '..', '..');
export const ASYNCAPI_PATH = join(root, 'docs', 'asyncapi.yaml');

/** Every event type of the contracts' catalog, with its topic, `ce_source` and payload class. */
function contractCatalog(): CatalogEntry[] {
  return Object.entries(EVENT_CATALOG).map(([type, { topic, payload }]) => {
    const app = APP_NAMES.find((name) => TOPICS[name] === topic);
    return { type, topic, source: app && EVENT_SOURCES[app], payload };
  });
}

/** Cells of the Markdown table rows of docs/events.md whose first cell is a code span, by that cell. */
function eventsMdRows(): Map<string, string[]> {
  const markdown = readFileSync(join(root, 'docs', 'events.md'), 'utf8');
  const rows = [...markdown.matchAll(/^\| `([^`]+)` \|(.*)\|$/gm)].map((m) => [m[1], m[2].split(' | ').map((cell) => cell.trim())] as const);
  return new Map(rows);
}

/** The CloudEvents headers every message carries (docs/events.md, "Envelope"). */
const CLOUD_EVENT_HEADERS: JsonSchema = {
  type: 'object',
  required: ['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_subject', 'ce_time', 'ce_tenant', 'content-type'],
  properties: {
    ce_specversion: { type: 'string', const: '1.0' },
    ce_id: { type: 'string', format: 'uuid', description: 'The same on every redelivery: de-duplicate on it.' },
    ce_source: { type: 'string', description: 'The producing app: /rekey/bots, /rekey/tunnels or /rekey/chat.' },
    ce_type: { type: 'string', description: "The message's name." },
    ce_subject: { type: 'string', description: 'The resource ARN or path.' },
    ce_time: { type: 'string', format: 'date-time' },
    ce_tenant: { type: 'string', pattern: '^[0-9]{12}$', description: 'The 12-digit account.' },
    'content-type': { type: 'string', const: 'application/json' },
    ce_traceparent: {
      type: 'string',
      pattern: '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
      description: "W3C traceparent of the message's creation, in the trace of the request that recorded the event (CloudEvents distributed-tracing extension); only when that request was traced.",
    },
  },
};

/** The headers of one message: the CloudEvents headers with its own ce_type and ce_source. */
function headersOf(entry: CatalogEntry): JsonSchema {
  const properties = { ce_type: { const: entry.type }, ...(entry.source && { ce_source: { const: entry.source } }) };
  return { type: 'object', allOf: [{ $ref: '#/components/schemas/CloudEventHeaders' }, { properties }] };
}

/** `rekey.bots.deliveries.v1` → `botsDeliveries`. */
const channelId = (topic: string) =>
  topic
    .replace(/^rekey\./, '')
    .replace(/\.v\d+$/, '')
    .replace(/\.(\w)/g, (_, c: string) => c.toUpperCase());
const messageId = (type: string) => type.split('.').at(-1)!;

/**
 * The AsyncAPI 3 document of Rekey's events, generated from libs/contracts (its event catalog, and
 * payload schemas from the payload classes' declarations and class-validator rules) and the
 * descriptions of docs/events.md.
 */
function asyncApiDocument(): JsonSchema {
  const catalog = contractCatalog();
  const payloads = new PayloadSchemas();
  const described = eventsMdRows();
  const channels: Record<string, JsonSchema> = {};
  const operations: Record<string, JsonSchema> = {};
  const messages: Record<string, JsonSchema> = {};
  const schemas: Record<string, JsonSchema> = { CloudEventHeaders: CLOUD_EVENT_HEADERS };
  for (const topic of [...new Set(catalog.map((entry) => entry.topic))]) {
    const id = channelId(topic);
    const entries = catalog.filter((entry) => entry.topic === topic);
    const [producer, key] = described.get(topic) ?? [];
    // An app's own topic, or a command topic others produce to and Rekey reads.
    const ownTopic = entries.every((entry) => entry.source);
    const channelMessages = () => Object.fromEntries(entries.map((entry) => [messageId(entry.type), { $ref: `#/components/messages/${entry.type}` }]));
    channels[id] = {
      address: topic,
      description: ownTopic ? `Events of rekey-${producer}; message key: ${key}.` : `Produced by ${producer}; message key: ${key}.`,
      messages: channelMessages(),
    };
    channels[`${id}DeadLetters`] = {
      address: `${topic}.dlq`,
      description: `Events of ${topic} a Rekey consumer group gave up on, with the headers rekey_dlq_group, rekey_dlq_error and rekey_dlq_attempts added.`,
      messages: channelMessages(),
    };
    operations[`${ownTopic ? 'publish' : 'receive'}${id[0].toUpperCase()}${id.slice(1)}`] = {
      action: ownTopic ? 'send' : 'receive',
      channel: { $ref: `#/channels/${id}` },
      summary: ownTopic ? `rekey-${producer} publishes from its outbox, at least once, in order per key.` : 'Rekey reads these requests, validates them and dead-letters the invalid ones.',
      messages: entries.map((entry) => ({ $ref: `#/channels/${id}/messages/${messageId(entry.type)}` })),
    };
    for (const entry of entries) {
      const name = entry.payload.name;
      schemas[name] ??= withValidationRules(payloads.of(name), entry.payload);
      messages[entry.type] = {
        name: entry.type,
        title: messageId(entry.type),
        summary: described.get(entry.type)?.[0] ?? '',
        contentType: 'application/json',
        headers: headersOf(entry),
        payload: { $ref: `#/components/schemas/${name}` },
        bindings: { kafka: { key: { type: 'string', description: key }, bindingVersion: '0.5.0' } },
      };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Rekey events',
      version: '1.0.0',
      description:
        'CloudEvents 1.0 on Kafka (binary content mode: the headers carry the attributes, the value is the `data` JSON). ' +
        'Delivery is at least once, in order per key: de-duplicate on `ce_id`. No token is ever in an event. ' +
        'Generated from libs/contracts by tools/asyncapi/generate.ts; prose in docs/events.md.',
    },
    defaultContentType: 'application/json',
    servers: { kafka: { host: 'kafka-bootstrap:9092', protocol: 'kafka', description: 'The brokers of KAFKA_BROKERS.' } },
    channels,
    operations,
    components: { messages, schemas },
  };
}

/** docs/asyncapi.yaml as the generator writes it. */
export function asyncApiYaml(): string {
  const header = '# Generated by tools/asyncapi/generate.ts from libs/contracts and docs/events.md: do not edit.\n';
  return header + stringify(asyncApiDocument(), { lineWidth: 0 });
}
