import { ChimeClient, CreateAccountCommand } from '@aws-sdk/client-chime';
import { IoTSecureTunnelingClient, OpenTunnelCommand } from '@aws-sdk/client-iotsecuretunneling';
import { CreateChatTokenCommand, CreateRoomCommand, IvschatClient } from '@aws-sdk/client-ivschat';
import { APP_NAMES, EVENT_TYPES, TOPICS } from '@rekey/contracts';
import { awsClientConfig, buildApps, eventually, ofType, spawnProductionApp, TopicTail, uniqueName, waitUntilReady } from '@rekey/testing';
import { WebSocket } from 'ws';
import { exposedMetricNames, monitoredMetricNames } from './monitoring-queries';

const apps = APP_NAMES;
/** The apps with an AWS API that records events. */
const apiApps = ['bots', 'tunnels', 'chat'] as const;

// One build for every test of this file: two files building dist/ at once would trip over each other.
beforeAll(() => buildApps([...apps]), 180_000);

describe('production start-up', () => {
  it.each(apps)('%s refuses a missing production setting with one line naming it, exit 1', async (app) => {
    const started = await spawnProductionApp(app, { MONGO_URI: '' });
    expect(await started.exited).toBe(1);
    expect(started.stderr()).toBe(`rekey-${app}: configuration error: MONGO_URI is missing\n`);
  });

  it.each(apps)('%s refuses a malformed keyring file with one line, exit 1', async (app) => {
    const started = await spawnProductionApp(app, { REKEY_KEYRING_FILE: __filename });
    expect(await started.exited).toBe(1);
    expect(started.stderr()).toMatch(new RegExp(`^rekey-${app}: configuration error: REKEY_KEYRING_FILE: keyring file .* is not readable JSON \\(SyntaxError\\)\\n$`));
  });

  it.each(apiApps)('%s refuses a malformed credentials file with one line, exit 1', async (app) => {
    const started = await spawnProductionApp(app, { REKEY_CREDENTIALS_FILE: __filename });
    expect(await started.exited).toBe(1);
    expect(started.stderr()).toMatch(new RegExp(`^rekey-${app}: configuration error: REKEY_CREDENTIALS_FILE: credentials file .* is not readable JSON \\(SyntaxError\\)\\n$`));
  });

  it.each(apps)('%s starts from its production build with a full config and exits 0 on SIGTERM', async (app) => {
    const started = await spawnProductionApp(app);
    await waitUntilReady(started);
    started.process.kill('SIGTERM');
    expect(await started.exited).toBe(0);
  });
});

const BURST = 60;

/** One state-changing operation per app, returning the Kafka key of the event it must publish. */
const creators: Record<(typeof apiApps)[number], { eventType: string; create(url: string): Promise<string> }> = {
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
  const { code, message, $metadata } = error as { code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  // A connection refused or reset while connecting carried no request: only a failure after the request was sent counts as dropped.
  return code === 'ECONNREFUSED' || /\bconnect ECONN(REFUSED|RESET)\b/.test(message ?? '') || $metadata?.httpStatusCode === 503;
}

describe('graceful shutdown under load', () => {
  it.each(apiApps)(
    '%s answers every accepted request, publishes every recorded event and exits 0 within 10 s of SIGTERM',
    async (app) => {
      const { eventType, create } = creators[app];
      const events = await TopicTail.start(TOPICS[app]);
      const started = await spawnProductionApp(app);
      await waitUntilReady(started);
      await create(started.url); // warm-up: connections and the topic exist

      const burst = Array.from({ length: BURST }, () => create(started.url));
      // Mid-burst: once the first answer is back, the rest are in flight or still arriving.
      await Promise.race(burst.map((call) => call.catch(() => undefined)));
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
      const published = () => new Set(events.events.filter(ofType(eventType)).map((event) => event.key));
      const missing = () => [...created].filter((key) => !published().has(key));
      await eventually(() => (missing().length === 0 ? true : undefined), 20_000, 'every created resource\'s event').catch(() => undefined);
      expect(missing()).toEqual([]);
      await events.stop();
    },
    120_000,
  );
});

describe('chat gateway shutdown with open WebSockets', () => {
  it('answers ERROR 401 on every socket (the official client reconnects elsewhere), then exits 0', async () => {
    const chat = await spawnProductionApp('chat');
    const gateway = await spawnProductionApp('chat-gateway', { REKEY_KEYRING_FILE: chat.env.REKEY_KEYRING_FILE });
    try {
      await Promise.all([waitUntilReady(chat), waitUntilReady(gateway)]);
      const ivschat = new IvschatClient(awsClientConfig(chat.url));
      const roomArn = (await ivschat.send(new CreateRoomCommand({}))).arn!;
      const sockets = await Promise.all(
        ['u1', 'u2'].map(async (userId) => {
          const { token } = await ivschat.send(new CreateChatTokenCommand({ roomIdentifier: roomArn, userId }));
          const socket = new WebSocket(gateway.url.replace(/^http/, 'ws'), token!);
          const frames: Array<{ Type: string; ErrorCode?: number }> = [];
          socket.on('message', (data) => frames.push(JSON.parse(String(data))));
          const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
          await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
          return { frames, closed };
        }),
      );
      ivschat.destroy();
      gateway.process.kill('SIGTERM');
      for (const { frames, closed } of sockets) {
        // No clean close from the server: the official client treats the drop as broken and reconnects.
        expect(await closed).toBe(1006);
        expect(frames).toContainEqual(expect.objectContaining({ Type: 'ERROR', ErrorCode: 401 }));
      }
      expect(await gateway.exited).toBe(0);
    } finally {
      for (const app of [gateway, chat]) if (app.process.exitCode === null) app.process.kill('SIGTERM');
      await Promise.all([gateway.exited, chat.exited]);
    }
  }, 120_000);
});

// Here rather than in monitoring.int-spec.ts: it needs the production builds this file makes.
describe('monitoring', () => {
  it('finds every metric the Grafana dashboard and the alert rules read on some app\'s /metrics', async () => {
    const started = await Promise.all(apps.map((app) => spawnProductionApp(app)));
    try {
      await Promise.all(started.map((app) => waitUntilReady(app)));
      const pages = await Promise.all(started.map(async (app) => (await fetch(`${app.url}/metrics`)).text()));
      const exposed = new Set(pages.flatMap(exposedMetricNames));
      expect(monitoredMetricNames().filter((name) => !exposed.has(name))).toEqual([]);
    } finally {
      for (const app of started) app.process.kill('SIGTERM');
      await Promise.all(started.map((app) => app.exited));
    }
  }, 60_000);
});
