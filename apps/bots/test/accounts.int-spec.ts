import {
  Bot,
  ChimeClient,
  CreateAccountCommand,
  CreateBotCommand,
  DeleteAccountCommand,
  GetAccountCommand,
  GetBotCommand,
  ListAccountsCommand,
  ListBotsCommand,
  RegenerateSecurityTokenCommand,
  UpdateAccountCommand,
} from '@aws-sdk/client-chime';
import { getConnectionToken } from '@nestjs/mongoose';
import { EVENT_TYPES, TOPICS } from '@rekey/contracts';
import { awsClientConfig, eventually, failureOf, ofType, startTestApp, TestApp, TopicTail, uniqueName } from '@rekey/testing';
import { Connection } from 'mongoose';
import { BotsAppModule } from '../src/app.module';
import { AccountsService } from '../src/accounts/accounts.service';

describe('accounts API driven by @aws-sdk/client-chime', () => {
  let app: TestApp;
  let a: ChimeClient;
  let b: ChimeClient;
  let tail: TopicTail;
  let db: Connection;

  beforeAll(async () => {
    app = await startTestApp('bots', (config) => BotsAppModule.register(config));
    a = new ChimeClient(awsClientConfig(app.url, 'A'));
    b = new ChimeClient(awsClientConfig(app.url, 'B'));
    tail = await TopicTail.start(TOPICS.bots);
    db = app.nest.get<Connection>(getConnectionToken());
  });
  afterAll(async () => {
    await tail?.stop();
    await app?.close();
  });

  it('creates (201), gets and updates a Team account, each change announced', async () => {
    const created = (await a.send(new CreateAccountCommand({ Name: 'Acme' }))).Account!;
    expect(created).toMatchObject({ AwsAccountId: '111111111111', Name: 'Acme', AccountType: 'Team', DefaultLicense: 'Pro', SupportedLicenses: ['Basic', 'Pro'], AccountStatus: 'Active' });
    expect(created.AccountId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created.CreatedTimestamp).toBeInstanceOf(Date);
    expect((await a.send(new GetAccountCommand({ AccountId: created.AccountId }))).Account).toEqual(created);

    const updated = (await a.send(new UpdateAccountCommand({ AccountId: created.AccountId, Name: 'Acme Corp', DefaultLicense: 'Basic' }))).Account!;
    expect(updated).toMatchObject({ Name: 'Acme Corp', DefaultLicense: 'Basic', CreatedTimestamp: created.CreatedTimestamp });
    expect((await a.send(new GetAccountCommand({ AccountId: created.AccountId }))).Account).toEqual(updated);

    const [createdEvent] = await tail.waitFor(ofType(EVENT_TYPES.bots.AccountCreated, created.AccountId!));
    expect(createdEvent.headers).toMatchObject({ ce_source: '/rekey/bots', ce_subject: `/accounts/${created.AccountId}`, ce_tenant: '111111111111' });
    expect(createdEvent.data).toMatchObject({ tenant: '111111111111', chimeAccountId: created.AccountId, name: 'Acme', accountType: 'Team', defaultLicense: 'Pro' });
    const [updatedEvent] = await tail.waitFor(ofType(EVENT_TYPES.bots.AccountUpdated, created.AccountId!));
    expect(updatedEvent.data).toMatchObject({ name: 'Acme Corp', defaultLicense: 'Basic' });
  });

  it('lists accounts in pages, by name prefix and by a bot user email, per tenant', async () => {
    const prefix = uniqueName('list');
    const ids: string[] = [];
    for (const suffix of ['a', 'b', 'c']) ids.push((await a.send(new CreateAccountCommand({ Name: `${prefix}-${suffix}` }))).Account!.AccountId!);
    await b.send(new CreateAccountCommand({ Name: `${prefix}-b` }));
    await a.send(new CreateAccountCommand({ Name: `other-${prefix}` }));

    const first = await a.send(new ListAccountsCommand({ Name: prefix, MaxResults: 2 }));
    expect(first.Accounts!.map((account) => account.AccountId)).toEqual(ids.slice(0, 2));
    const second = await a.send(new ListAccountsCommand({ Name: prefix, MaxResults: 2, NextToken: first.NextToken }));
    expect(second.Accounts!.map((account) => account.AccountId)).toEqual(ids.slice(2));
    expect(second.NextToken).toBeUndefined();
    // A NextToken is bound to its listing's filters.
    expect(await failureOf(() => a.send(new ListAccountsCommand({ Name: 'other', NextToken: first.NextToken })))).toMatchObject({ name: 'BadRequestException' });
    expect((await b.send(new ListAccountsCommand({ Name: prefix }))).Accounts!.map((account) => account.AwsAccountId)).toEqual(['222222222222']);

    const bot = (await a.send(new CreateBotCommand({ AccountId: ids[1], DisplayName: prefix, Domain: 'example.com' }))).Bot!;
    const byEmail = await a.send(new ListAccountsCommand({ UserEmail: bot.BotEmail!.toUpperCase() }));
    expect(byEmail.Accounts!.map((account) => account.AccountId)).toEqual([ids[1]]);
    expect((await b.send(new ListAccountsCommand({ UserEmail: bot.BotEmail }))).Accounts).toEqual([]);
  });

  it('keeps accounts apart per tenant', async () => {
    const account = (await a.send(new CreateAccountCommand({ Name: 'mine' }))).Account!;
    for (const call of [
      () => b.send(new GetAccountCommand({ AccountId: account.AccountId })),
      () => b.send(new UpdateAccountCommand({ AccountId: account.AccountId, Name: 'stolen' })),
      () => b.send(new DeleteAccountCommand({ AccountId: account.AccountId })),
      () => b.send(new CreateBotCommand({ AccountId: account.AccountId, DisplayName: 'intruder' })),
    ]) {
      expect(await failureOf(call)).toMatchObject({ name: 'NotFoundException', status: 404 });
    }
    expect((await a.send(new GetAccountCommand({ AccountId: account.AccountId }))).Account!.Name).toBe('mine');
  });

  it('deletes an account (204) with its bots: none readable afterwards, each with its event, documents purged', async () => {
    const account = (await a.send(new CreateAccountCommand({ Name: 'doomed' }))).Account!;
    const bots: Bot[] = [];
    for (const name of ['first', 'second']) bots.push((await a.send(new CreateBotCommand({ AccountId: account.AccountId, DisplayName: name }))).Bot!);
    const deleted = await a.send(new DeleteAccountCommand({ AccountId: account.AccountId }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);

    for (const call of [
      () => a.send(new GetAccountCommand({ AccountId: account.AccountId })),
      () => a.send(new DeleteAccountCommand({ AccountId: account.AccountId })),
      () => a.send(new ListBotsCommand({ AccountId: account.AccountId })),
      () => a.send(new GetBotCommand({ AccountId: account.AccountId, BotId: bots[0].BotId })),
      () => a.send(new RegenerateSecurityTokenCommand({ AccountId: account.AccountId, BotId: bots[1].BotId })),
      () => a.send(new CreateBotCommand({ AccountId: account.AccountId, DisplayName: 'late' })),
    ]) {
      expect(await failureOf(call)).toMatchObject({ name: 'NotFoundException' });
    }
    for (const bot of bots) {
      const [last] = await tail.waitFor(ofType(EVENT_TYPES.bots.BotUpdated, bot.BotId!));
      expect(last.data).toMatchObject({ botId: bot.BotId, chimeAccountId: account.AccountId, deleted: true });
    }
    const [accountDeleted] = await tail.waitFor(ofType(EVENT_TYPES.bots.AccountDeleted, account.AccountId!));
    expect(accountDeleted.data).toMatchObject({ tenant: '111111111111', chimeAccountId: account.AccountId });
    const purged = async () =>
      (await db.collection('accounts').countDocuments({ _id: account.AccountId as never })) === 0 &&
      (await db.collection('bots').countDocuments({ accountId: account.AccountId })) === 0;
    await eventually(async () => ((await purged()) ? true : undefined), 15_000, 'the account and its bots purged');
  });

  it('finishes a deletion interrupted after its first step', async () => {
    const account = (await a.send(new CreateAccountCommand({ Name: 'interrupted' }))).Account!;
    const bot = (await a.send(new CreateBotCommand({ AccountId: account.AccountId, DisplayName: 'orphan' }))).Bot!;
    // Rotated twice: the second rotation writes on the bot as the first left it (no read), as a third would.
    for (let i = 0; i < 2; i += 1) await a.send(new RegenerateSecurityTokenCommand({ AccountId: account.AccountId, BotId: bot.BotId }));
    // As if the replica died right after hiding the account, a while ago.
    await db.collection('accounts').updateOne({ _id: account.AccountId as never }, { $set: { deletingAt: new Date(Date.now() - 120_000) } });
    expect(await failureOf(() => a.send(new GetBotCommand({ AccountId: account.AccountId, BotId: bot.BotId })))).toMatchObject({ name: 'NotFoundException' });
    expect(await failureOf(() => a.send(new RegenerateSecurityTokenCommand({ AccountId: account.AccountId, BotId: bot.BotId })))).toMatchObject({ name: 'NotFoundException' });
    expect(await db.collection('bots').findOne({ _id: bot.BotId as never })).toMatchObject({ generation: 3 });
    await app.nest.get(AccountsService).finishInterruptedDeletions();
    const [last] = await tail.waitFor(ofType(EVENT_TYPES.bots.BotUpdated, bot.BotId!));
    expect(last.data).toMatchObject({ deleted: true });
    await tail.waitFor(ofType(EVENT_TYPES.bots.AccountDeleted, account.AccountId!));
  });

  it('refuses bad input with BadRequestException', async () => {
    const account = (await a.send(new CreateAccountCommand({ Name: 'strict' }))).Account!;
    for (const call of [
      () => a.send(new CreateAccountCommand({ Name: '  ' })),
      () => a.send(new CreateAccountCommand({ Name: 'x'.repeat(101) })),
      () => a.send(new ListAccountsCommand({ MaxResults: 201 })),
      () => a.send(new ListAccountsCommand({ UserEmail: 'not-an-email' })),
      () => a.send(new UpdateAccountCommand({ AccountId: account.AccountId, DefaultLicense: 'Plus' })),
      () => a.send(new UpdateAccountCommand({ AccountId: account.AccountId, DefaultLicense: 'Gold' as never })),
      () => a.send(new GetAccountCommand({ AccountId: ' ' })),
    ]) {
      expect(await failureOf(call)).toMatchObject({ name: 'BadRequestException', status: 400 });
    }
  });
});
