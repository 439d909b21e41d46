import { ChimeClient, CreateAccountCommand } from '@aws-sdk/client-chime';
import { IoTSecureTunnelingClient, OpenTunnelCommand } from '@aws-sdk/client-iotsecuretunneling';
import { CreateRoomCommand, IvschatClient } from '@aws-sdk/client-ivschat';
import { AppName, EVENT_TYPES, TOPICS } from '@rekey/contracts';
import { awsClientConfig, buildApps, spawnProductionApp, testKafkaBrokers, uniqueName, waitUntilReady } from '@rekey/testing';
import { Consumer, Kafka } from 'kafkajs';

const BURST = 40;

/** One state-changing operation per app, returning the Kafka key of the event it must publish. */
const creators: Record<AppName, { eventType: string; create(url: string): Promise<string> }> = {
  bots: {
    eventType: EVENT_TYPES.bots.AccountCreated,
    create: async (url) => (await new ChimeClient(awsClientConfig(url)).send(new CreateAccountCommand({ Name: uniqueName('acct') }))).Account!.AccountId!,
  },
  tunnels: {
    eventType: EVENT_TYPES.tunnels.TunnelOpened,
    create: async (url) => (await new IoTSecureTunnelingClient(awsClientConfig(url)).send(new OpenTunnelCommand({}))).tunnelId!,
  },
  chat: {
    eventType: EVENT_TYPES.chat.RoomCreated,
    create: async (url) => (await new IvschatClient(awsClientConfig(url)).send(new CreateRoomCommand({ name: uniqueName('room') }))).arn!,
  },
};

/** Errors that mean "not accepted" (refused before any work), as opposed to accepted and dropped. */
function wasRefused(error: unknown): boolean {
  const { code, $metadata } = error as { code?: string; $metadata?: { httpStatusCode?: number } };
  return code === 'ECONNREFUSED' || $metadata?.httpStatusCode === 503;
}

/** Starts collecting the keys of events of one type; resolves once the consumer has joined its group. */
async function collectEventKeys(consumer: Consumer, topic: string, type: string) {
  const seen = new Set<string>();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (String(message.headers?.ce_type) === type) seen.add(String(message.key));
    },
  });
  await joined;
  return {
    async missing(wanted: Set<string>, timeoutMs: number): Promise<string[]> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && [...wanted].some((key) => !seen.has(key))) await new Promise((r) => setTimeout(r, 100));
      return [...wanted].filter((key) => !seen.has(key));
    },
  };
}

describe('graceful shutdown under load', () => {
  const kafka = new Kafka({ clientId: 'shutdown-test', brokers: [testKafkaBrokers()] });

  beforeAll(() => buildApps(['bots', 'tunnels', 'chat']), 180_000);

  it.each(['bots', 'tunnels', 'chat'] as const)(
    '%s answers every accepted request, publishes every recorded event and exits 0 within 10 s of SIGTERM',
    async (app) => {
      const { eventType, create } = creators[app];
      const consumer = kafka.consumer({ groupId: uniqueName('shutdown') });
      const events = await collectEventKeys(consumer, TOPICS[app], eventType);
      const started = await spawnProductionApp(app);
      await waitUntilReady(started);
      await create(started.url); // warm-up: connections and the topic exist

      const burst = Array.from({ length: BURST }, () => create(started.url));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const signalledAt = Date.now();
      started.process.kill('SIGTERM');
      const outcomes = await Promise.allSettled(burst);
      const exitCode = await started.exited;

      expect(exitCode).toBe(0);
      expect(Date.now() - signalledAt).toBeLessThan(10_000);
      const dropped = outcomes.filter((o) => o.status === 'rejected' && !wasRefused(o.reason));
      expect(dropped).toEqual([]);
      const created = new Set(outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : [])));
      expect(created.size).toBeGreaterThan(0);
      expect(await events.missing(created, 20_000)).toEqual([]);
      await consumer.disconnect();
    },
    120_000,
  );
});
