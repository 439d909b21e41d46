import {
  Bot,
  ChimeClient,
  CreateAccountCommand,
  CreateBotCommand,
  DeleteEventsConfigurationCommand,
  GetBotCommand,
  GetEventsConfigurationCommand,
  ListBotsCommand,
  PutEventsConfigurationCommand,
  RegenerateSecurityTokenCommand,
  UpdateBotCommand,
} from '@aws-sdk/client-chime';
import { getConnectionToken } from '@nestjs/mongoose';
import { EVENT_TYPES, fingerprint, TOPICS } from '@rekey/contracts';
import { awsClientConfig, failureOf, ofType, startTestApp, TestApp, TopicTail } from '@rekey/testing';
import { Keyring } from '@rekey/tokens';
import { Connection } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BotsAppModule } from '../src/app.module';
import { SecurityTokens } from '../src/bots/security-tokens';
import { ChimeReceiver, createTestCa } from './chime-receiver';

const BASE64_TOKEN = /^[A-Za-z0-9+/]{40}$/;

describe('bots API driven by @aws-sdk/client-chime', () => {
  // The app runs on a keyring whose current key is "new"; "old" stays listed for tokens written before.
  const oldKey = randomBytes(32).toString('base64');
  const keyringFile = join(mkdtempSync(join(tmpdir(), 'bots-keyring-')), 'keyring.json');
  writeFileSync(keyringFile, JSON.stringify({ current: 'new', keys: { old: oldKey, new: randomBytes(32).toString('base64') } }));

  let app: TestApp;
  let a: ChimeClient;
  let b: ChimeClient;
  let tail: TopicTail;
  let accountId: string;
  let bots: ReturnType<Connection['collection']>;
  let receiver: ChimeReceiver;

  const createBot = async (DisplayName = 'myBot', Domain: string | undefined = 'example.com') => (await a.send(new CreateBotCommand({ AccountId: accountId, DisplayName, Domain }))).Bot!;

  beforeAll(async () => {
    const ca = createTestCa();
    receiver = await ChimeReceiver.start(ca);
    app = await startTestApp('bots', (config) => BotsAppModule.register(config), { REKEY_KEYRING_FILE: keyringFile, REKEY_BOTS_OUTBOUND_CA_FILE: ca.caFile });
    a = new ChimeClient(awsClientConfig(app.url, 'A'));
    b = new ChimeClient(awsClientConfig(app.url, 'B'));
    tail = await TopicTail.start(TOPICS.bots);
    accountId = (await a.send(new CreateAccountCommand({ Name: 'bots-test' }))).Account!.AccountId!;
    bots = app.nest.get<Connection>(getConnectionToken()).collection('bots');
  });
  afterAll(async () => {
    await tail?.stop();
    await app?.close();
    await receiver?.close();
  });

  it('creates a ChatBot with its own user id, Chime email and first token, announced by BotCreated (generation 1)', async () => {
    const bot = await createBot('myBot', 'Example.COM');
    expect(bot).toMatchObject({ DisplayName: 'myBot (Bot)', BotType: 'ChatBot', Disabled: false, BotEmail: 'myBot-chimebot@example.com' });
    expect(bot.BotId).toMatch(/^[0-9a-f-]{36}$/);
    expect(bot.UserId).toMatch(/^[0-9a-f-]{36}$/);
    expect(bot.UserId).not.toBe(bot.BotId);
    expect(bot.SecurityToken).toMatch(BASE64_TOKEN);
    expect(bot.CreatedTimestamp).toBeInstanceOf(Date);
    expect(bot.UpdatedTimestamp).toEqual(bot.CreatedTimestamp);
    const [created] = await tail.waitFor(ofType(EVENT_TYPES.bots.BotCreated, bot.BotId!));
    expect(created.data).toMatchObject({ tenant: '111111111111', chimeAccountId: accountId, botId: bot.BotId, userId: bot.UserId, generation: 1, disabled: false, deleted: false, tokens: [{ kind: 'SecurityToken', fingerprint: fingerprint(bot.SecurityToken!), expiresAt: null }] });
    expect(created.raw).not.toContain(bot.SecurityToken);
    expect((await a.send(new GetBotCommand({ AccountId: accountId, BotId: bot.BotId }))).Bot).toEqual(bot);
  });

  it('lists bots in pages (MaxResults, NextToken) and updates Disabled with a BotUpdated event', async () => {
    const own = await a.send(new CreateAccountCommand({ Name: 'paging' }));
    const pagingAccount = own.Account!.AccountId!;
    const created: Bot[] = [];
    for (const name of ['one', 'two', 'three']) created.push((await a.send(new CreateBotCommand({ AccountId: pagingAccount, DisplayName: name }))).Bot!);
    expect(created[0].BotEmail).toBe('one-chimebot@rekey.invalid');
    const first = await a.send(new ListBotsCommand({ AccountId: pagingAccount, MaxResults: 2 }));
    expect(first.Bots!.map((bot) => bot.BotId)).toEqual([created[0].BotId, created[1].BotId]);
    expect(first.Bots![0].SecurityToken).toBe(created[0].SecurityToken);
    const second = await a.send(new ListBotsCommand({ AccountId: pagingAccount, MaxResults: 2, NextToken: first.NextToken }));
    expect(second.Bots!.map((bot) => bot.BotId)).toEqual([created[2].BotId]);
    expect(second.NextToken).toBeUndefined();

    // No member to change: the bot as it was, no event.
    expect((await a.send(new UpdateBotCommand({ AccountId: pagingAccount, BotId: created[0].BotId }))).Bot).toEqual(created[0]);
    const disabled = (await a.send(new UpdateBotCommand({ AccountId: pagingAccount, BotId: created[1].BotId, Disabled: true }))).Bot!;
    expect(disabled).toMatchObject({ Disabled: true, SecurityToken: created[1].SecurityToken });
    expect(disabled.UpdatedTimestamp!.getTime()).toBeGreaterThanOrEqual(created[1].CreatedTimestamp!.getTime());
    const [updated] = await tail.waitFor(ofType(EVENT_TYPES.bots.BotUpdated, created[1].BotId!));
    expect(updated.data).toMatchObject({ botId: created[1].BotId, disabled: true, deleted: false, generation: 1 });
    expect((await a.send(new GetBotCommand({ AccountId: pagingAccount, BotId: created[1].BotId }))).Bot!.Disabled).toBe(true);
    expect(await bots.findOne({ _id: created[0].BotId as never })).toMatchObject({ revision: 1, disabled: false });
    expect(tail.events.filter(ofType(EVENT_TYPES.bots.BotUpdated, created[0].BotId!))).toEqual([]);
  });

  it('RegenerateSecurityToken: a new token, returned by GetBot, stored only encrypted, announced by TokenRotated', async () => {
    const bot = await createBot();
    await a.send(new UpdateBotCommand({ AccountId: accountId, BotId: bot.BotId, Disabled: true }));
    const rotated = (await a.send(new RegenerateSecurityTokenCommand({ AccountId: accountId, BotId: bot.BotId }))).Bot!;
    expect(rotated.SecurityToken).toMatch(BASE64_TOKEN);
    expect(rotated.SecurityToken).not.toBe(bot.SecurityToken);
    expect(rotated.Disabled).toBe(true);
    expect(rotated.UpdatedTimestamp!.getTime()).toBeGreaterThan(bot.UpdatedTimestamp!.getTime() - 1);
    expect((await a.send(new GetBotCommand({ AccountId: accountId, BotId: bot.BotId }))).Bot!.SecurityToken).toBe(rotated.SecurityToken);

    const stored = await bots.findOne({ _id: bot.BotId as never });
    const raw = JSON.stringify(stored);
    expect(raw).not.toContain(rotated.SecurityToken);
    expect(raw).not.toContain(bot.SecurityToken);
    expect(stored).toMatchObject({ generation: 2, securityToken: { keyId: 'new' } });
    expect(stored!.securityToken.ciphertext).toMatch(/^v1\.new\./);

    const [event] = await tail.waitFor(ofType(EVENT_TYPES.bots.TokenRotated, bot.BotId!));
    expect(event.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_type: 'rekey.bots.TokenRotated',
      ce_source: '/rekey/bots',
      ce_subject: `/accounts/${accountId}/bots/${bot.BotId}`,
      ce_tenant: '111111111111',
      'content-type': 'application/json',
    });
    expect(event.headers.ce_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.data).toEqual({
      tenant: '111111111111',
      resourceType: 'bot',
      resourceId: bot.BotId,
      resourceArn: null,
      chimeAccountId: accountId,
      generation: 2,
      tokens: [{ kind: 'SecurityToken', fingerprint: fingerprint(rotated.SecurityToken!), expiresAt: null }],
      rotatedAt: rotated.UpdatedTimestamp!.toISOString(),
    });
    expect(event.raw).not.toContain(rotated.SecurityToken);
  });

  it('lets 10 concurrent rotations of one bot all succeed, with generations 2..11; the stored token is the last', async () => {
    const bot = await createBot('busy');
    const answers = await Promise.all(Array.from({ length: 10 }, () => a.send(new RegenerateSecurityTokenCommand({ AccountId: accountId, BotId: bot.BotId }))));
    const tokens = answers.map((answer) => answer.Bot!.SecurityToken!);
    expect(new Set(tokens).size).toBe(10);
    const events = await tail.waitFor(ofType(EVENT_TYPES.bots.TokenRotated, bot.BotId!), 10);
    const generationOf = new Map(events.map((event) => [(event.data.tokens as Array<{ fingerprint: string }>)[0].fingerprint, event.data.generation as number]));
    expect([...generationOf.values()].sort((x, y) => x - y)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(tokens.map((token) => generationOf.get(fingerprint(token))).sort((x, y) => x! - y!)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const last = tokens.find((token) => generationOf.get(fingerprint(token)) === 11);
    expect((await a.send(new GetBotCommand({ AccountId: accountId, BotId: bot.BotId }))).Bot!.SecurityToken).toBe(last);
    expect(await bots.findOne({ _id: bot.BotId as never })).toMatchObject({ generation: 11 });
  });

  it('answers NotFound for another tenant, another account and unknown ids', async () => {
    const bot = await createBot('private');
    const otherAccount = (await a.send(new CreateAccountCommand({ Name: 'other' }))).Account!.AccountId!;
    for (const call of [
      () => b.send(new GetBotCommand({ AccountId: accountId, BotId: bot.BotId })),
      () => b.send(new RegenerateSecurityTokenCommand({ AccountId: accountId, BotId: bot.BotId })),
      () => b.send(new ListBotsCommand({ AccountId: accountId })),
      () => a.send(new GetBotCommand({ AccountId: otherAccount, BotId: bot.BotId })),
      () => a.send(new RegenerateSecurityTokenCommand({ AccountId: otherAccount, BotId: bot.BotId })),
      () => a.send(new GetBotCommand({ AccountId: accountId, BotId: 'no-such-bot' })),
    ]) {
      expect(await failureOf(call)).toMatchObject({ name: 'NotFoundException', status: 404 });
    }
    expect((await a.send(new GetBotCommand({ AccountId: accountId, BotId: bot.BotId }))).Bot!.SecurityToken).toBe(bot.SecurityToken);
  });

  it('puts, gets and deletes the events configuration, each change announced', async () => {
    const bot = await createBot('hooked');
    const endpoint = receiver.url('/chime?team=a');
    const put = await a.send(new PutEventsConfigurationCommand({ AccountId: accountId, BotId: bot.BotId, OutboundEventsHTTPSEndpoint: endpoint }));
    expect(put.EventsConfiguration).toEqual({ BotId: bot.BotId, OutboundEventsHTTPSEndpoint: endpoint });
    const lambda = 'arn:aws:lambda:us-east-1:111111111111:function:chime-bot:live';
    await a.send(new PutEventsConfigurationCommand({ AccountId: accountId, BotId: bot.BotId, LambdaFunctionArn: lambda }));
    expect((await a.send(new GetEventsConfigurationCommand({ AccountId: accountId, BotId: bot.BotId }))).EventsConfiguration).toEqual({ BotId: bot.BotId, LambdaFunctionArn: lambda });
    await a.send(new DeleteEventsConfigurationCommand({ AccountId: accountId, BotId: bot.BotId }));
    await a.send(new DeleteEventsConfigurationCommand({ AccountId: accountId, BotId: bot.BotId }));
    expect(await failureOf(() => a.send(new GetEventsConfigurationCommand({ AccountId: accountId, BotId: bot.BotId })))).toMatchObject({ name: 'NotFoundException' });
    const events = await tail.waitFor(ofType(EVENT_TYPES.bots.EventsConfigurationChanged, bot.BotId!), 3);
    expect(events.map((event) => event.data.target)).toEqual(['OutboundEventsHTTPSEndpoint', 'LambdaFunctionArn', null]);
    expect(events.map((event) => event.raw).join()).not.toContain('/chime?team=a');
  });

  it('refuses bad input with BadRequestException', async () => {
    const bot = await createBot('strict');
    const badRequests = [
      () => a.send(new ListBotsCommand({ AccountId: accountId, MaxResults: 100 })),
      () => a.send(new ListBotsCommand({ AccountId: accountId, MaxResults: 0 })),
      () => a.send(new ListBotsCommand({ AccountId: accountId, NextToken: 'forged' })),
      () => a.send(new CreateBotCommand({ AccountId: accountId, DisplayName: '   ' })),
      () => a.send(new CreateBotCommand({ AccountId: accountId, DisplayName: 'x'.repeat(56) })),
      () => a.send(new CreateBotCommand({ AccountId: accountId, DisplayName: 'ok', Domain: 'not a domain' })),
      () => a.send(new PutEventsConfigurationCommand({ AccountId: accountId, BotId: bot.BotId, LambdaFunctionArn: 'arn:aws:s3:::bucket' })),
      () => a.send(new PutEventsConfigurationCommand({ AccountId: accountId, BotId: bot.BotId, OutboundEventsHTTPSEndpoint: 'http://insecure.example.com/' })),
      () => a.send(new PutEventsConfigurationCommand({ AccountId: accountId, BotId: bot.BotId })),
      () => a.send(new PutEventsConfigurationCommand({ AccountId: accountId, BotId: bot.BotId, OutboundEventsHTTPSEndpoint: 'https://a.example.com/', LambdaFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:f' })),
      () => a.send(new GetBotCommand({ AccountId: accountId, BotId: ' ' })),
      () => a.send(new RegenerateSecurityTokenCommand({ AccountId: ' ', BotId: bot.BotId })),
    ];
    for (const call of badRequests) expect(await failureOf(call)).toMatchObject({ name: 'BadRequestException', status: 400 });
  });

  it('opens a token written under a master key that is no longer current', async () => {
    const bot = await createBot('veteran');
    const before = Keyring.fromJson({ current: 'old', keys: { old: oldKey } });
    const token = 'OlderKeyTokenOlderKeyTokenOlderKeyToken0';
    const owner = { tenant: '111111111111', accountId, botId: bot.BotId! };
    const sealed = new SecurityTokens(before).seal(token, owner);
    expect(sealed.keyId).toBe('old');
    await bots.updateOne({ _id: bot.BotId as never }, { $set: { securityToken: sealed } });
    expect((await a.send(new GetBotCommand({ AccountId: accountId, BotId: bot.BotId }))).Bot!.SecurityToken).toBe(token);
    // The next rotation writes under the current key.
    await a.send(new RegenerateSecurityTokenCommand({ AccountId: accountId, BotId: bot.BotId }));
    expect(await bots.findOne({ _id: bot.BotId as never })).toMatchObject({ securityToken: { keyId: 'new' } });
  });

  it('tells UpdateBot and RegenerateSecurityToken apart in metrics and counts tokens', async () => {
    const bot = await createBot('metered');
    await a.send(new UpdateBotCommand({ AccountId: accountId, BotId: bot.BotId, Disabled: true }));
    await a.send(new RegenerateSecurityTokenCommand({ AccountId: accountId, BotId: bot.BotId }));
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/rekey_http_requests_total\{[^}]*operation="UpdateBot",status="200"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/rekey_http_requests_total\{[^}]*operation="RegenerateSecurityToken",status="200"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/rekey_tokens_total\{[^}]*kind="SecurityToken",action="issued"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/rekey_tokens_total\{[^}]*kind="SecurityToken",action="rotated"[^}]*\} [1-9]/);
    expect(metrics).not.toContain(bot.SecurityToken);
  });
});
