import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { driverCollection, markDeleted, NOT_DELETED, outboxForCreate, OutboxFastPath, OutboxRelay, RekeyEvent } from '@rekey/events';
import type { Model } from 'mongoose';
import { Change, compareAndSet } from '../shared/compare-and-set';
import { afterCursor, KEYSET_SORT, KeysetCursor } from '../shared/keyset-pagination';
import { BOT_MODEL, BotDocument, StoredEventsConfiguration } from './bot.schema';

/** A bot as the service sees it. */
export type BotRecord = Omit<BotDocument, '_id' | 'emailKey' | 'eventsConfiguration'> & { id: string; eventsConfiguration: StoredEventsConfiguration | null };

/** Fields an update may set. */
export type BotChange = Omit<Change, 'set'> & { set: Partial<Pick<BotRecord, 'disabled' | 'securityToken' | 'generation' | 'eventsConfiguration' | 'updatedAt'>> };

/** The key ListAccounts' user-email filter matches on. */
const emailKey = (email: string) => email.toLowerCase();

function toRecord(doc: BotDocument): BotRecord {
  const { tenant, accountId, userId, displayName, botEmail, disabled, securityToken, generation, createdAt, updatedAt, revision } = doc;
  const { outboundEventsHTTPSEndpoint, lambdaFunctionArn } = doc.eventsConfiguration ?? {};
  const eventsConfiguration = outboundEventsHTTPSEndpoint ? { outboundEventsHTTPSEndpoint } : lambdaFunctionArn ? { lambdaFunctionArn } : null;
  return { id: doc._id, tenant, accountId, userId, displayName, botEmail, disabled, securityToken: { ciphertext: securityToken.ciphertext, keyId: securityToken.keyId }, generation, eventsConfiguration, createdAt, updatedAt, revision };
}

/** The only code touching `bots`. Every query is filtered by tenant and account. */
@Injectable()
export class BotsRepository {
  constructor(
    @InjectModel(BOT_MODEL) readonly model: Model<BotDocument>,
    private readonly relay: OutboxRelay,
    private readonly outbox: OutboxFastPath,
  ) {}

  async create(bot: BotRecord, event: RekeyEvent): Promise<void> {
    const { id, ...fields } = bot;
    await this.model.create({ _id: id, ...fields, emailKey: emailKey(bot.botEmail), ...outboxForCreate(event) });
    this.relay.wake();
  }

  async find(tenant: string, accountId: string, id: string): Promise<BotRecord | null> {
    const doc = (await driverCollection(this.model).findOne({ _id: id, tenant, accountId, ...NOT_DELETED })) as BotDocument | null;
    return doc ? toRecord(doc) : null;
  }

  /** The bots of these ids that are not deleted, in any order: one query for them all (tenant and account are the caller's to check). */
  async findMany(ids: string[]): Promise<BotRecord[]> {
    const docs = (await driverCollection(this.model).find({ _id: { $in: [...new Set(ids)] }, ...NOT_DELETED }).toArray()) as unknown as BotDocument[];
    return docs.map(toRecord);
  }

  /** One page of an account's bots in creation order; `limit + 1` are read to tell whether more follow. */
  async list(tenant: string, accountId: string, after: KeysetCursor | undefined, limit: number): Promise<BotRecord[]> {
    const docs = await this.model
      .find({ tenant, accountId, ...NOT_DELETED, ...afterCursor<BotDocument>(after) })
      .sort(KEYSET_SORT)
      .limit(limit + 1)
      .lean<BotDocument[]>();
    return docs.map(toRecord);
  }

  /** Applies `decide` to the bot atomically with its events (see compareAndSet); null if there is no such bot. */
  async change(tenant: string, accountId: string, id: string, decide: (current: BotRecord) => BotChange | null): Promise<BotRecord | null> {
    const doc = await compareAndSet(this.model, this.outbox, { _id: id, tenant, accountId }, (current) => decide(toRecord(current)));
    return doc ? toRecord(doc) : null;
  }

  /** Marks the bot deleted together with its last event; the relay purges it once that is published. */
  async remove(tenant: string, accountId: string, id: string, lastEvent: (current: BotRecord) => RekeyEvent): Promise<void> {
    await compareAndSet(this.model, this.outbox, { _id: id, tenant, accountId }, (current) => ({ set: markDeleted(), events: [lastEvent(toRecord(current))] }));
  }

  async idsOfAccount(tenant: string, accountId: string): Promise<string[]> {
    const docs = await this.model.find({ tenant, accountId, ...NOT_DELETED }, { _id: 1 }).lean<Array<Pick<BotDocument, '_id'>>>();
    return docs.map((doc) => doc._id);
  }

  /** The accounts holding a bot with this email (case-insensitive). */
  async accountIdsOfEmail(tenant: string, email: string): Promise<string[]> {
    const docs = await this.model.find({ tenant, emailKey: emailKey(email), ...NOT_DELETED }, { accountId: 1 }).lean<Array<Pick<BotDocument, 'accountId'>>>();
    return [...new Set(docs.map((doc) => doc.accountId))];
  }
}
