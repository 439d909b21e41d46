import { TOPICS } from '@rekey/contracts';
import { testKafkaBrokers, uniqueName } from '@rekey/testing';
import { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';

/** A message of rekey.tunnels.v1 as it arrived: headers as strings, value as text and as JSON. */
export interface CollectedMessage {
  key: string;
  headers: Record<string, string>;
  text: string;
  data: Record<string, unknown>;
}

function collected(message: KafkaMessage): CollectedMessage {
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]));
  const text = message.value?.toString('utf8') ?? '';
  return { key: message.key?.toString('utf8') ?? '', headers, text, data: JSON.parse(text) as Record<string, unknown> };
}

/** Reads the tunnels topic from the beginning, for assertions on the events of the tunnels a test made. */
export class TunnelEventsCollector {
  private readonly messages: CollectedMessage[] = [];
  private consumer?: Consumer;

  async start(): Promise<void> {
    const kafka = new Kafka({ clientId: 'tunnels-test', brokers: [testKafkaBrokers()], logLevel: 0 });
    this.consumer = kafka.consumer({ groupId: uniqueName('tunnels-test') });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: TOPICS.tunnels, fromBeginning: true });
    await this.consumer.run({ eachMessage: async ({ message }) => void this.messages.push(collected(message)) });
  }

  stop(): Promise<void> | undefined {
    return this.consumer?.disconnect();
  }

  /** Messages of one tunnel (the message key), optionally of one `ce_type`, in order. */
  of(tunnelId: string, type?: string): CollectedMessage[] {
    return this.messages.filter((m) => m.key === tunnelId && (type === undefined || m.headers.ce_type === type));
  }

  /** Waits until the tunnel has `count` messages of the type, then returns them. */
  async waitFor(tunnelId: string, type: string, count = 1, timeoutMs = 20_000): Promise<CollectedMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.of(tunnelId, type).length < count && Date.now() < deadline) await sleep(50);
    const found = this.of(tunnelId, type);
    if (found.length < count) throw new Error(`expected ${count} ${type} event(s) of tunnel ${tunnelId}, got ${found.length}`);
    return found;
  }
}
