import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { KeysetCursor, KeysetOrder } from '@rekey/aws-protocol';
import { Change, EventfulCollection, EventfulCollections, markDeleted, NOT_DELETED, RekeyEvent } from '@rekey/events';
import type { Model } from 'mongoose';
import { concurrentChange } from '../shared/concurrent-change';
import { BOT_MODEL, BotDocument, StoredEventsConfiguration } from './bot.schema';

/** A bot as the service sees it. */
export type BotRecord = Omit<BotDocument, '_id' | 'emailKey' | 'eventsConfiguration'> & { id: string; eventsConfiguration: StoredEventsConfiguration | null };

/** Fields an update may set. */
export type BotChange = Omit<Change, 'set'> & { set: Partial<Pick<BotRecord, 'disabled' | 'securityToken' | 'generation' | 'eventsConfiguration' | 'updatedAt'>> };

/** ListBots: oldest first. */
export const BOTS_ORDER = new KeysetOrder('createdAt', '_id', 1);

/**
 * Compare-and-set on the revision (+1 per change), so that each event carries the state it
 * produced. Every write of a bot is one of these, so the revision covers every field: a bot changed
 * here before is changed again on the state written, in one write without a read (a miss reads).
 */
const BY_REVISION = { version: 'revision', remember: true };

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
  private readonly bots: EventfulCollection<BotDocument>;

  constructor(@InjectModel(BOT_MODEL) model: Model<BotDocument>, collections: EventfulCollections) {
    this.bots = collections.register<BotDocument>(model, { contended: concurrentChange });
  }

  async create(bot: BotRecord, event: RekeyEvent): Promise<void> {
    const { id, ...fields } = bot;
    await this.bots.insert({ _id: id, ...fields, emailKey: emailKey(bot.botEmail) }, event);
  }

  async find(tenant: string, accountId: string, id: string): Promise<BotRecord | null> {
    const doc = await this.bots.collection.findOne({ _id: id, tenant, accountId, ...NOT_DELETED });
    return doc ? toRecord(doc) : null;
  }

  /** The bots of these ids that are not deleted, in any order: one query for them all (tenant and account are the caller's to check). */
  async findMany(ids: string[]): Promise<BotRecord[]> {
    const docs = await this.bots.collection.find({ _id: { $in: [...new Set(ids)] }, ...NOT_DELETED }).toArray();
    return docs.map(toRecord);
  }

  /** One page of an account's bots in {@link BOTS_ORDER}; `limit + 1` are read to tell whether more follow. */
  async list(tenant: string, accountId: string, after: KeysetCursor | undefined, limit: number): Promise<BotRecord[]> {
    const docs = await this.bots.collection
      .find({ tenant, accountId, ...NOT_DELETED, ...BOTS_ORDER.after(after) })
      .sort(BOTS_ORDER.sort)
      .limit(limit + 1)
      .toArray();
    return docs.map(toRecord);
  }

  /** Applies `decide` to the bot atomically with its events (compare-and-set); null if there is no such bot. */
  async change(tenant: string, accountId: string, id: string, decide: (current: BotRecord) => BotChange | null | Promise<BotChange | null>): Promise<BotRecord | null> {
    const doc = await this.bots.change({ _id: id, tenant, accountId }, (current) => decide(toRecord(current)), BY_REVISION);
    return doc ? toRecord(doc) : null;
  }

  /** Marks the bot deleted together with its last event; the relay purges it once that is published. */
  async remove(tenant: string, accountId: string, id: string, lastEvent: (current: BotRecord) => RekeyEvent): Promise<void> {
    await this.bots.change({ _id: id, tenant, accountId }, (current) => ({ set: markDeleted(), events: [lastEvent(toRecord(current))] }), BY_REVISION);
  }

  async idsOfAccount(tenant: string, accountId: string): Promise<string[]> {
    const docs = await this.bots.collection.find({ tenant, accountId, ...NOT_DELETED }, { projection: { _id: 1 } }).toArray();
    return docs.map((doc) => doc._id);
  }

  /** The accounts holding a bot with this email (case-insensitive). */
  async accountIdsOfEmail(tenant: string, email: string): Promise<string[]> {
    const docs = await this.bots.collection.find({ tenant, emailKey: emailKey(email), ...NOT_DELETED }, { projection: { accountId: 1 } }).toArray();
    return [...new Set(docs.map((doc) => doc.accountId))];
  }
}
