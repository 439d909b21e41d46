// The ceiling of signed bot event deliveries that includes Kafka: a minimal correct delivery. A
// bare kafkajs consumer of the requests topic (BARE_TOPIC) that, per fetched chunk, POSTs each
// request to its bot signed with the bot's token (bots and their endpoints from BARE_BOTS), each
// bot's requests in order and the bots at once, produces their outcome events with acks=all and
// only then resolves the chunk's offsets: the least an at-least-once delivery from Kafka with
// outcome events needs. No framework, validation, de-duplication, check for queued
// deliveries, retries, SSRF checks, logs or metrics. Started by sections/deliveries.ts; writes
// "ready" to standard error once its group has joined.
import 'reflect-metadata';
import { EVENT_TYPES } from '@rekey/contracts';
import { fromKafkaMessage, newEvent, toKafkaMessage } from '@rekey/events';
import { Kafka, KafkaMessage, logLevel, Message } from 'kafkajs';
import { Agent, request } from 'undici';
import { chimeHeaders } from './lib/chime-signing';

interface DeliveryRequest {
  tenant: string;
  chimeAccountId: string;
  botId: string;
  event: unknown;
}

const bots = new Map((JSON.parse(process.env.BARE_BOTS!) as Array<{ id: string; token: string; url: string }>).map((bot) => [bot.id, bot]));
const agent = new Agent();
const kafka = new Kafka({ clientId: 'rekey-bench-bare-delivery', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
const consumer = kafka.consumer({ groupId: `rekey-bench-bare-delivery-${process.env.BARE_TOPIC}` });

async function post(delivery: { id: string; request: DeliveryRequest }): Promise<number> {
  const bot = bots.get(delivery.request.botId)!;
  const body = JSON.stringify(delivery.request.event);
  const response = await request(bot.url, { dispatcher: agent, method: 'POST', body, headers: chimeHeaders(bot.token, body) });
  await response.body.dump();
  return response.statusCode;
}

async function deliverChunk(topic: string, partition: number, messages: KafkaMessage[]): Promise<void> {
  const byBot = new Map<string, Array<{ id: string; request: DeliveryRequest }>>();
  for (const message of messages) {
    const event = fromKafkaMessage(topic, partition, message);
    const asked = event.data as DeliveryRequest;
    byBot.set(asked.botId, [...(byBot.get(asked.botId) ?? []), { id: event.id, request: asked }]);
  }
  const outcomes: Message[] = [];
  await Promise.all(
    [...byBot.values()].map(async (deliveries) => {
      for (const delivery of deliveries) {
        const status = await post(delivery);
        const { tenant, chimeAccountId, botId } = delivery.request;
        const data = { tenant, chimeAccountId, botId, deliveryId: delivery.id, eventType: 'Mention', attempts: 1, status, deliveredAt: new Date().toISOString() };
        outcomes.push(toKafkaMessage(newEvent('bots', { type: EVENT_TYPES.bots.EventDelivered, subject: `/accounts/${chimeAccountId}/bots/${botId}`, tenant, key: botId, data })));
      }
    }),
  );
  await producer.send({ topic: process.env.BARE_OUTCOMES_TOPIC!, acks: -1, messages: outcomes });
}

async function main(): Promise<void> {
  await producer.connect();
  await consumer.connect();
  consumer.on(consumer.events.GROUP_JOIN, () => process.stderr.write('ready\n'));
  await consumer.subscribe({ topic: process.env.BARE_TOPIC!, fromBeginning: true });
  // As the apps' batch groups consume: partitions at once, chunks of at most 100, offsets resolved once a chunk is done.
  await consumer.run({
    partitionsConsumedConcurrently: 8,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      for (let from = 0; from < batch.messages.length; from += 100) {
        const chunk = batch.messages.slice(from, from + 100);
        await deliverChunk(batch.topic, batch.partition, chunk);
        resolveOffset(chunk[chunk.length - 1].offset);
        await heartbeat();
      }
    },
  });
  process.once('SIGTERM', () => void Promise.all([consumer.disconnect(), producer.disconnect()]).then(() => process.exit(0)));
}

void main();
