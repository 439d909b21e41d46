import { ChimeClient, GetBotCommand } from '@aws-sdk/client-chime';
import { DescribeTunnelCommand, IoTSecureTunnelingClient } from '@aws-sdk/client-iotsecuretunneling';
import { CreateChatTokenCommand, IvschatClient } from '@aws-sdk/client-ivschat';
import { Body, Controller, DynamicModule, Get, HttpCode, Module, Param, Post } from '@nestjs/common';
import { AppName, TUNNELS_TARGET_PREFIX } from '@rekey/contracts';
import { PlatformModule, RekeyConfig } from '@rekey/platform';
import { awsClientConfig, sigV4Refusals, startTestApp, TestApp, uniqueMongoUri } from '@rekey/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { AwsProtocolModule, Tenant } from './aws-protocol.module';
import { AwsApi } from './errors/error-renderers';
import { ServiceError } from './errors/service-error';
import { AwsOperation, Operation, PostOperation, targetOperation } from './operations/aws-operation';

/** Minimal stand-ins for one operation of each API, to drive the protocol layer with the real SDKs. */
@Controller()
class ChimeProbeController {
  @Get('accounts/:accountId/bots/:botId')
  @AwsOperation('GetBot')
  getBot(@Param('botId') botId: string, @Tenant() tenant: string) {
    if (botId === 'missing') throw new ServiceError('NotFound', `Bot ${botId} not found`);
    return { Bot: { BotId: botId, DisplayName: tenant } };
  }
}

@Controller()
class TunnelsProbeController {
  @Post()
  @AwsOperation(targetOperation(TUNNELS_TARGET_PREFIX, ['DescribeTunnel']))
  @HttpCode(200)
  dispatch(@Operation() operation: string | undefined, @Body() body: { tunnelId?: string }, @Tenant() tenant: string) {
    if (operation === undefined) throw new ServiceError('UnknownOperation', 'Unknown operation');
    if (body.tunnelId === 'missing') throw new ServiceError('NotFound', 'Tunnel not found');
    return { tunnel: { tunnelId: body.tunnelId, description: tenant, status: 'OPEN' } };
  }
}

@Controller()
class IvschatProbeController {
  @PostOperation('CreateChatToken')
  create(@Body() body: { userId?: string }) {
    if (!body.userId) throw new ServiceError('Validation', 'userId is required', { fieldList: [{ name: 'userId', message: 'is required' }] });
    if (body.userId === 'boom') throw new Error('a bug with a secret: hunter2');
    return { token: 'sealed', tokenExpirationTime: '2026-11-22T10:00:00.000Z', sessionExpirationTime: '2026-11-22T11:00:00.000Z' };
  }
}

const controllers = { chime: ChimeProbeController, iotsecuretunneling: TunnelsProbeController, ivschat: IvschatProbeController };

function probeApp(api: AwsApi) {
  @Module({})
  class ProbeModule {
    static register(config: RekeyConfig): DynamicModule {
      return { module: ProbeModule, imports: [PlatformModule.forRoot(config), AwsProtocolModule.forRoot({ api })], controllers: [controllers[api]] };
    }
  }
  return (config: RekeyConfig) => ProbeModule.register(config);
}

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; status?: number; message: string; body?: unknown }> {
  try {
    await promise;
    return { name: 'none', message: '' };
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message, body: error };
  }
}

const apps: Array<[AwsApi, AppName]> = [['chime', 'bots'], ['iotsecuretunneling', 'tunnels'], ['ivschat', 'chat']];

describe('AWS protocol layer driven by the official SDK clients', () => {
  const running: Partial<Record<AwsApi, TestApp>> = {};
  beforeAll(async () => {
    for (const [api, app] of apps) running[api] = await startTestApp(app, probeApp(api));
  });
  afterAll(async () => Promise.all(Object.values(running).map((app) => app.close())));

  it('Chime: signed requests pass with their tenant; errors are the Chime exceptions', async () => {
    const url = running.chime!.url;
    const bot = await new ChimeClient(awsClientConfig(url, 'B')).send(new GetBotCommand({ AccountId: 'acc', BotId: 'b1' }));
    expect(bot.Bot).toEqual({ BotId: 'b1', DisplayName: '222222222222' });
    expect(await errorOf(new ChimeClient(awsClientConfig(url)).send(new GetBotCommand({ AccountId: 'acc', BotId: 'missing' })))).toMatchObject({ name: 'NotFoundException', status: 404, message: 'Bot missing not found' });
    const wrongSecret = { ...awsClientConfig(url), credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wrong-secret-wrong-secret' } };
    expect(await errorOf(new ChimeClient(wrongSecret).send(new GetBotCommand({ AccountId: 'acc', BotId: 'b1' })))).toMatchObject({ name: 'UnauthorizedClientException', status: 401 });
    const unknownRoute = await fetch(`${url}/no/such/route`);
    expect(unknownRoute.status).toBe(404);
    expect(unknownRoute.headers.get('x-amzn-errortype')).toBe('NotFoundException');
    expect(await unknownRoute.json()).toEqual({ Code: 'NotFound', Message: 'Unknown operation' });
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
  });

  it('IoT Secure Tunneling: awsJson1_1 bodies, 400 ResourceNotFoundException, 403 signature errors', async () => {
    const url = running.iotsecuretunneling!.url;
    const described = await new IoTSecureTunnelingClient(awsClientConfig(url)).send(new DescribeTunnelCommand({ tunnelId: 't1' }));
    expect(described.tunnel).toMatchObject({ tunnelId: 't1', description: '111111111111', status: 'OPEN' });
    expect(await errorOf(new IoTSecureTunnelingClient(awsClientConfig(url)).send(new DescribeTunnelCommand({ tunnelId: 'missing' })))).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
    const unknownKey = { ...awsClientConfig(url), credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'whatever-whatever' } };
    expect(await errorOf(new IoTSecureTunnelingClient(unknownKey).send(new DescribeTunnelCommand({ tunnelId: 't1' })))).toMatchObject({ name: 'UnrecognizedClientException', status: 403 });
    const malformed = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'IoTSecuredTunneling.DescribeTunnel' }, body: '{"tunnelId":' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ __type: 'ValidationException' });
  });

  it('refuses, through each official SDK, a wrong secret, an unknown key, a body changed after signing and a request dated 20 minutes off', async () => {
    const chime = await sigV4Refusals(running.chime!.url, (config) => new ChimeClient(config), () => new GetBotCommand({ AccountId: 'acc', BotId: 'b1' }));
    for (const refusal of Object.values(chime)) expect(refusal).toEqual({ name: 'UnauthorizedClientException', status: 401 });
    const tunnels = await sigV4Refusals(running.iotsecuretunneling!.url, (config) => new IoTSecureTunnelingClient(config), () => new DescribeTunnelCommand({ tunnelId: 't1' }));
    const chat = await sigV4Refusals(running.ivschat!.url, (config) => new IvschatClient(config), () => new CreateChatTokenCommand({ roomIdentifier: 'arn:aws:ivschat:us-east-1:111111111111:room/abcdefghijkl', userId: 'u1' }));
    for (const refusals of [tunnels, chat]) {
      expect(refusals).toEqual({
        wrongSecret: { name: 'InvalidSignatureException', status: 403 },
        unknownKey: { name: 'UnrecognizedClientException', status: 403 },
        bodyChangedAfterSigning: { name: 'InvalidSignatureException', status: 403 },
        dated20MinutesOff: { name: 'InvalidSignatureException', status: 403 },
      });
    }
  });

  it('IVS Chat: ValidationException with reason and fieldList; an unexpected error is a 500 with the request id and no secret', async () => {
    const url = running.ivschat!.url;
    const client = new IvschatClient(awsClientConfig(url));
    const room = 'arn:aws:ivschat:us-east-1:111111111111:room/abcdefghijkl';
    expect((await client.send(new CreateChatTokenCommand({ roomIdentifier: room, userId: 'u1' }))).token).toBe('sealed');
    const invalid = await errorOf(client.send(new CreateChatTokenCommand({ roomIdentifier: room, userId: '' })));
    expect(invalid).toMatchObject({ name: 'ValidationException', status: 400, body: { reason: 'FIELD_VALIDATION_FAILED', fieldList: [{ name: 'userId', message: 'is required' }] } });
    const bug = await errorOf(client.send(new CreateChatTokenCommand({ roomIdentifier: room, userId: 'boom' })));
    expect(bug).toMatchObject({ name: 'InternalServerException', status: 500 });
    expect(bug.message).toMatch(/request id [0-9a-f-]{36}/);
    expect(bug.message).not.toContain('hunter2');
    const oversized = await fetch(`${url}/CreateChatToken`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'x'.repeat(2 * 1024 * 1024) }) });
    expect(oversized.status).toBe(400);
    expect(oversized.headers.get('x-amzn-errortype')).toBe('ValidationException');
  });
});

describe('throttling per tenant and operation, as each API answers it', () => {
  const running: Partial<Record<AwsApi, TestApp>> = {};
  beforeAll(async () => {
    for (const [api, app] of apps) running[api] = await startTestApp(app, probeApp(api), { REKEY_THROTTLE_RPS: '3' });
  });
  afterAll(async () => Promise.all(Object.values(running).map((app) => app.close())));

  /** Calls until the first refusal; three per second are allowed, so it comes by the 7th call even across a window boundary. */
  async function firstRefusal(call: () => Promise<unknown>) {
    for (let calls = 1; calls <= 7; calls += 1) {
      const error = await errorOf(call());
      if (error.name !== 'none') return { calls, ...error };
    }
    return { calls: Infinity, name: 'none' };
  }

  it('Chime: 429 ThrottledClientException, and the other tenant is not throttled', async () => {
    const url = running.chime!.url;
    const refusal = await firstRefusal(() => new ChimeClient(awsClientConfig(url)).send(new GetBotCommand({ AccountId: 'acc', BotId: 'b1' })));
    expect(refusal).toMatchObject({ name: 'ThrottledClientException', status: 429 });
    expect(refusal.calls).toBeGreaterThan(3);
    await expect(new ChimeClient(awsClientConfig(url, 'B')).send(new GetBotCommand({ AccountId: 'acc', BotId: 'b1' }))).resolves.toBeDefined();
  });

  it('IoT Secure Tunneling: ThrottlingException with HTTP 400', async () => {
    const url = running.iotsecuretunneling!.url;
    const refusal = await firstRefusal(() => new IoTSecureTunnelingClient(awsClientConfig(url)).send(new DescribeTunnelCommand({ tunnelId: 't1' })));
    expect(refusal).toMatchObject({ name: 'ThrottlingException', status: 400 });
  });

  it('IVS Chat: 429 ThrottlingException with its limit; the metric counts the refusal', async () => {
    const url = running.ivschat!.url;
    const room = 'arn:aws:ivschat:us-east-1:111111111111:room/abcdefghijkl';
    const refusal = await firstRefusal(() => new IvschatClient(awsClientConfig(url)).send(new CreateChatTokenCommand({ roomIdentifier: room, userId: 'u1' })));
    expect(refusal).toMatchObject({ name: 'ThrottlingException', status: 429, body: { limit: 3 } });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^rekey_throttled_requests_total\{operation="CreateChatToken",app="rekey-chat"\} [1-9]/m);
  });
});

describe('throttling across two instances of one app sharing its database', () => {
  const instances: TestApp[] = [];
  beforeAll(async () => {
    const env = { REKEY_THROTTLE_RPS: '10', MONGO_URI: uniqueMongoUri('rekey_bots') };
    instances.push(await startTestApp('bots', probeApp('chime'), env), await startTestApp('bots', probeApp('chime'), env));
  });
  afterAll(async () => Promise.all(instances.map((app) => app.close())));

  const getBot = (app: TestApp, botId: string) => errorOf(new ChimeClient(awsClientConfig(app.url)).send(new GetBotCommand({ AccountId: 'acc', BotId: botId })));

  /**
   * Within one one-second window: the first instance uses the whole limit, both reconcile, and the
   * second refuses. The limit is per window, so a run the clock carried into the next second
   * proves nothing and is repeated.
   */
  it('refuses on one instance what the other already used up', async () => {
    for (let run = 0; run < 5; run += 1) {
      await sleep(1000 - (Date.now() % 1000) + 5);
      const window = Math.floor(Date.now() / 1000);
      const first = await Promise.all(Array.from({ length: 10 }, (_, i) => getBot(instances[0], `run${run}-${i}`)));
      const warmUp = await getBot(instances[1], 'warm-up'); // the second instance learns a key's count once it serves it
      await sleep(600);
      const second = await getBot(instances[1], 'after');
      if (Math.floor(Date.now() / 1000) !== window) continue;
      expect(first.map((answer) => answer.name)).toEqual(Array(10).fill('none'));
      expect(warmUp.name).toBe('none');
      expect(second).toMatchObject({ name: 'ThrottledClientException', status: 429 });
      return;
    }
    throw new Error('no run fitted in one second: the machine is too loaded for this test');
  }, 30_000);
});
