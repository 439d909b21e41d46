import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { keysetPage, PaginationTokens, readKeysetCursor, ServiceError } from '@rekey/aws-protocol';
import { AccountView, CreateAccountRequest, LIST_ACCOUNTS_LIMITS, ListAccountsRequest, UpdateAccountRequest } from '@rekey/contracts';
import { PeriodicTask } from '@rekey/platform';
import { randomUUID } from 'node:crypto';
import { AccountLiveness } from './account-liveness';
import { AccountMembers } from './account-members';
import { accountNotFound } from './accounts.errors';
import { accountCreated, accountDeleted, accountUpdated } from './accounts.events';
import { AccountRecord, AccountsRepository } from './accounts.repository';

const byCreation = (account: AccountRecord) => ({ at: account.createdAt.getTime(), id: account.id });

/** A deletion left unfinished this long ago is presumed interrupted and finished by the sweep. */
const INTERRUPTED_AFTER_MS = 60_000;
const SWEEP_EVERY_MS = 30_000;

/** The account's wire shape. */
export function accountView(account: AccountRecord): AccountView {
  return {
    AwsAccountId: account.tenant,
    AccountId: account.id,
    Name: account.name,
    AccountType: account.accountType,
    CreatedTimestamp: account.createdAt.toISOString(),
    DefaultLicense: account.defaultLicense,
    SupportedLicenses: account.supportedLicenses,
    AccountStatus: account.accountStatus,
  };
}

/** Chime accounts: the rules of CreateAccount, GetAccount, ListAccounts, UpdateAccount and DeleteAccount. */
@Injectable()
export class AccountsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AccountsService.name);
  private readonly sweep = new PeriodicTask(this.logger, 'finishing interrupted account deletions', () => this.finishInterruptedDeletions());
  private registeredMembers?: AccountMembers;
  private readonly liveness: AccountLiveness;

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly paginationTokens: PaginationTokens,
  ) {
    this.liveness = new AccountLiveness((keys) => accounts.liveOf(keys));
  }

  /** Registers what lives in accounts (the bots feature, at its module's init). */
  admitMembers(members: AccountMembers): void {
    this.registeredMembers = members;
  }

  private get members(): AccountMembers {
    if (!this.registeredMembers) throw new Error('no AccountMembers registered: the bots feature registers them');
    return this.registeredMembers;
  }

  /** Whether the account exists for the tenant and is not being deleted. */
  isLive(tenant: string, id: string): Promise<boolean> {
    return this.liveness.isLive(tenant, id);
  }

  /** Of `keys`, those {@link isLive}, as `<tenant>/<id>`. */
  liveOf(keys: Array<{ tenant: string; id: string }>): Promise<Set<string>> {
    return this.accounts.liveOf(keys);
  }

  /** NotFound unless {@link isLive}. */
  async requireLive(tenant: string, id: string): Promise<void> {
    if (!(await this.isLive(tenant, id))) throw accountNotFound(id);
  }

  /** Team accounts only, as Chime's CreateAccount makes: Pro by default, Basic and Pro supported. */
  async create(tenant: string, input: CreateAccountRequest): Promise<AccountView> {
    const now = new Date();
    const account: AccountRecord = {
      id: randomUUID(),
      tenant,
      name: input.Name,
      accountType: 'Team',
      defaultLicense: 'Pro',
      supportedLicenses: ['Basic', 'Pro'],
      accountStatus: 'Active',
      createdAt: now,
      updatedAt: now,
      revision: 1,
    };
    await this.accounts.create(account, accountCreated(account));
    return accountView(account);
  }

  /** NotFound also for another tenant's account and for one being deleted. */
  async get(tenant: string, id: string): Promise<AccountView> {
    const account = await this.accounts.findLive(tenant, id);
    if (!account) throw accountNotFound(id);
    return accountView(account);
  }

  /** `Name` filters by prefix; `UserEmail` finds the account of the bot user with that email (bots are this service's only users). */
  async list(tenant: string, input: ListAccountsRequest): Promise<{ Accounts: AccountView[]; NextToken?: string }> {
    const scope = `ListAccounts\0${input.Name ?? ''}\0${input.UserEmail?.toLowerCase() ?? ''}`;
    const after = readKeysetCursor(this.paginationTokens, input.NextToken, tenant, scope);
    const limit = input.MaxResults ?? LIST_ACCOUNTS_LIMITS.default;
    const ids = input.UserEmail === undefined ? undefined : await this.members.accountIdsOfMemberEmail(tenant, input.UserEmail);
    const page = keysetPage(this.paginationTokens, await this.accounts.list(tenant, { namePrefix: input.Name, ids }, after, limit), limit, tenant, scope, byCreation);
    return { Accounts: page.items.map(accountView), NextToken: page.nextToken };
  }

  async update(tenant: string, id: string, input: UpdateAccountRequest): Promise<AccountView> {
    const updated = await this.accounts.change(tenant, id, (current) => {
      if (input.DefaultLicense !== undefined && !current.supportedLicenses.includes(input.DefaultLicense)) {
        throw new ServiceError('Validation', `DefaultLicense ${input.DefaultLicense} is not supported by this account (${current.supportedLicenses.join(', ')})`);
      }
      const name = input.Name ?? current.name;
      const defaultLicense = input.DefaultLicense ?? current.defaultLicense;
      if (name === current.name && defaultLicense === current.defaultLicense) return null;
      const next = { ...current, name, defaultLicense, updatedAt: new Date() };
      return { set: { name, defaultLicense, updatedAt: next.updatedAt }, events: [accountUpdated(next)] };
    });
    if (!updated) throw accountNotFound(id);
    return accountView(updated);
  }

  /**
   * Hides the account (and so its bots) at once, deletes each bot with its own event, then
   * records AccountDeleted. A crash in between leaves the account hidden, and the sweep
   * ({@link onApplicationBootstrap}) finishes the deletion.
   */
  async delete(tenant: string, id: string): Promise<void> {
    if (!(await this.accounts.markDeleting(tenant, id))) throw accountNotFound(id);
    await this.finishDeletion(tenant, id);
  }

  onApplicationBootstrap(): void {
    this.sweep.start(SWEEP_EVERY_MS, { now: true });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweep.stop();
  }

  private async finishDeletion(tenant: string, id: string): Promise<void> {
    await this.members.deleteAllOfAccount(tenant, id);
    await this.accounts.completeDeletion(tenant, id, accountDeleted({ tenant, id }, new Date()));
  }

  /** Finishes the deletions some replica began but did not finish (run at start-up and every 30 s). */
  async finishInterruptedDeletions(): Promise<void> {
    for (const { tenant, id } of await this.accounts.interruptedDeletions(new Date(Date.now() - INTERRUPTED_AFTER_MS))) {
      await this.finishDeletion(tenant, id);
    }
  }
}
