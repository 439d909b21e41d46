import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { KeysetCursor, KeysetOrder } from '@rekey/aws-protocol';
import { Change, EventfulCollection, EventfulCollections, markDeleted, NOT_DELETED, RekeyEvent } from '@rekey/events';
import type { Filter } from 'mongodb';
import type { Model } from 'mongoose';
import { concurrentChange } from '../shared/concurrent-change';
import { ACCOUNT_MODEL, AccountDocument } from './account.schema';

/** An account as the service sees it. */
export type AccountRecord = Omit<AccountDocument, '_id' | 'deletingAt'> & { id: string };

/** Fields an update may set. */
export type AccountChange = Omit<Change, 'set'> & { set: Partial<Pick<AccountDocument, 'name' | 'defaultLicense' | 'updatedAt'>> };

/** ListAccounts filters, combined with AND. */
export interface AccountFilter {
  namePrefix?: string;
  /** Only these accounts (the user-email filter resolved to account ids). */
  ids?: string[];
}

/** ListAccounts: oldest first. */
export const ACCOUNTS_ORDER = new KeysetOrder('createdAt', '_id', 1);

/** Neither deleted nor being deleted. */
const LIVE = { ...NOT_DELETED, deletingAt: { $exists: false } };

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function toRecord(doc: AccountDocument): AccountRecord {
  const { tenant, name, accountType, defaultLicense, supportedLicenses, accountStatus, createdAt, updatedAt, revision } = doc;
  return { id: doc._id, tenant, name, accountType, defaultLicense, supportedLicenses, accountStatus, createdAt, updatedAt, revision };
}

/** The only code touching `accounts`. Every query is filtered by tenant, except the sweep for interrupted deletions. */
@Injectable()
export class AccountsRepository {
  private readonly accounts: EventfulCollection<AccountDocument>;

  constructor(@InjectModel(ACCOUNT_MODEL) model: Model<AccountDocument>, collections: EventfulCollections) {
    this.accounts = collections.register<AccountDocument>(model, { contended: concurrentChange });
  }

  async create(account: AccountRecord, event: RekeyEvent): Promise<void> {
    const { id, ...fields } = account;
    await this.accounts.insert({ _id: id, ...fields }, event);
  }

  /** The account if it exists, belongs to the tenant and is not (being) deleted. */
  async findLive(tenant: string, id: string): Promise<AccountRecord | null> {
    const doc = await this.accounts.collection.findOne({ _id: id, tenant, ...LIVE });
    return doc ? toRecord(doc) : null;
  }

  /** Of `keys`, the live accounts (as {@link findLive}), as `<tenant>/<id>`: one query for them all. */
  async liveOf(keys: Array<{ tenant: string; id: string }>): Promise<Set<string>> {
    const docs = await this.accounts.collection.find({ _id: { $in: [...new Set(keys.map(({ id }) => id))] }, ...LIVE }, { projection: { tenant: 1 } }).toArray();
    return new Set(docs.map(({ _id, tenant }) => `${tenant}/${_id}`));
  }

  /** One page of a tenant's live accounts in {@link ACCOUNTS_ORDER}; `limit + 1` are read to tell whether more follow. */
  async list(tenant: string, filter: AccountFilter, after: KeysetCursor | undefined, limit: number): Promise<AccountRecord[]> {
    const query: Filter<AccountDocument> = { tenant, ...LIVE, ...ACCOUNTS_ORDER.after(after) };
    if (filter.namePrefix !== undefined) query.name = { $regex: `^${escapeRegExp(filter.namePrefix)}` };
    if (filter.ids !== undefined) query._id = { $in: filter.ids };
    const docs = await this.accounts.collection.find(query).sort(ACCOUNTS_ORDER.sort).limit(limit + 1).toArray();
    return docs.map(toRecord);
  }

  /** Applies `decide` to the live account atomically with its events (compare-and-set on `revision`); null if there is none. */
  async change(tenant: string, id: string, decide: (current: AccountRecord) => AccountChange | null): Promise<AccountRecord | null> {
    const doc = await this.accounts.change({ _id: id, tenant, deletingAt: { $exists: false } }, (current) => decide(toRecord(current)), { version: 'revision' });
    return doc ? toRecord(doc) : null;
  }

  /**
   * First step of a deletion: the account, and through it its bots, stop being visible. Returns
   * false if there was no live account. No event yet: AccountDeleted is recorded by
   * {@link completeDeletion}, once the bots are gone, and only then is the caller answered.
   */
  async markDeleting(tenant: string, id: string): Promise<boolean> {
    const result = await this.accounts.collection.updateOne({ _id: id, tenant, ...LIVE }, { $set: { deletingAt: new Date() } });
    return result.modifiedCount === 1;
  }

  /** Last step of a deletion: AccountDeleted recorded, and the document purged once it is published. */
  async completeDeletion(tenant: string, id: string, event: RekeyEvent): Promise<void> {
    await this.accounts.record({ _id: id, tenant, deletingAt: { $exists: true }, ...NOT_DELETED }, { $set: markDeleted() }, [event]);
  }

  /** Deletions interrupted (crash, lost connection) before `startedBefore`, across tenants. */
  async interruptedDeletions(startedBefore: Date): Promise<Array<{ tenant: string; id: string }>> {
    const docs = await this.accounts.collection.find({ deletingAt: { $lt: startedBefore }, ...NOT_DELETED }, { projection: { tenant: 1 } }).limit(100).toArray();
    return docs.map((doc) => ({ tenant: doc.tenant, id: doc._id }));
  }
}
