import { CloseTunnelCommand, IoTSecureTunnelingClient, OpenTunnelCommand } from '@aws-sdk/client-iotsecuretunneling';
import { awsClientConfig, startTestApp, TestApp } from '@rekey/testing';
import { TunnelsAppModule } from '../src/app.module';
import { Clock } from '../src/tunnels/clock';

const LIMIT = 3;

describe('open-tunnel limit per tenant (REKEY_TUNNELS_MAX_OPEN)', () => {
  let app: TestApp;
  let a: IoTSecureTunnelingClient;
  let b: IoTSecureTunnelingClient;

  beforeAll(async () => {
    app = await startTestApp('tunnels', (config) => TunnelsAppModule.register(config), { REKEY_TUNNELS_MAX_OPEN: String(LIMIT) });
    a = new IoTSecureTunnelingClient(awsClientConfig(app.url, 'A'));
    b = new IoTSecureTunnelingClient(awsClientConfig(app.url, 'B'));
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await app?.close();
  });

  const tryOpen = async (client: IoTSecureTunnelingClient, minutes = 10): Promise<{ tunnelId?: string; error?: string; status?: number; message?: string }> => {
    try {
      return { tunnelId: (await client.send(new OpenTunnelCommand({ timeoutConfig: { maxLifetimeTimeoutMinutes: minutes } }))).tunnelId! };
    } catch (error) {
      const e = error as Error & { $metadata?: { httpStatusCode?: number } };
      return { error: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
    }
  };

  it('never lets concurrent opens exceed the limit, answers LimitExceededException (400) beyond it, and frees a slot on close or expiry', async () => {
    const racing = await Promise.all(Array.from({ length: 10 }, () => tryOpen(a)));
    const won = racing.filter((r) => r.tunnelId !== undefined);
    expect(won.length).toBeLessThanOrEqual(LIMIT);
    for (const lost of racing.filter((r) => r.tunnelId === undefined)) {
      expect(lost).toEqual({ error: 'LimitExceededException', status: 400, message: `Account 111111111111 already has the maximum of ${LIMIT} open tunnels` });
    }
    while (won.length < LIMIT) {
      const opened = await tryOpen(a);
      expect(opened.tunnelId).toBeDefined();
      won.push(opened);
    }
    expect(await tryOpen(a)).toMatchObject({ error: 'LimitExceededException', status: 400 });
    expect((await tryOpen(b)).tunnelId).toBeDefined();

    await a.send(new CloseTunnelCommand({ tunnelId: won[0].tunnelId! }));
    expect((await tryOpen(a)).tunnelId).toBeDefined();
    expect(await tryOpen(a)).toMatchObject({ error: 'LimitExceededException' });

    // Expired tunnels stop counting at once, with no sweeper involved.
    const clock = app.nest.get(Clock);
    jest.spyOn(clock, 'now').mockImplementation(() => new Date(Date.now() + 11 * 60_000));
    expect((await tryOpen(a)).tunnelId).toBeDefined();
  });
});
