import { AccountDeletedData, AccountEventData, EVENT_TYPES } from '@rekey/contracts';
import { newEvent, RekeyEvent } from '@rekey/events';
import { AccountRecord } from './accounts.repository';

function accountEvent<T>(type: string, account: Pick<AccountRecord, 'tenant' | 'id'>, data: T): RekeyEvent<T> {
  return newEvent('bots', { type, subject: `/accounts/${account.id}`, tenant: account.tenant, key: account.id, data });
}

function accountData(account: AccountRecord): AccountEventData {
  return {
    tenant: account.tenant,
    chimeAccountId: account.id,
    name: account.name,
    accountType: account.accountType,
    defaultLicense: account.defaultLicense,
    supportedLicenses: account.supportedLicenses,
    accountStatus: account.accountStatus,
    createdAt: account.createdAt.toISOString(),
    updatedAt: account.updatedAt.toISOString(),
  };
}

export const accountCreated = (account: AccountRecord) => accountEvent(EVENT_TYPES.bots.AccountCreated, account, accountData(account));

export const accountUpdated = (account: AccountRecord) => accountEvent(EVENT_TYPES.bots.AccountUpdated, account, accountData(account));

export const accountDeleted = (account: Pick<AccountRecord, 'tenant' | 'id'>, deletedAt: Date) =>
  accountEvent<AccountDeletedData>(EVENT_TYPES.bots.AccountDeleted, account, { tenant: account.tenant, chimeAccountId: account.id, deletedAt: deletedAt.toISOString() });
