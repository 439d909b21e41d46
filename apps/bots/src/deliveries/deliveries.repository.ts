import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { EventfulCollection, EventfulCollections, RekeyEvent } from '@rekey/events';
import type { Collection } from 'mongodb';
import type { Model } from 'mongoose';
import { DELIVERY_QUEUE_MODEL, DeliveryQueueDocument, QueuedDelivery } from './delivery-queue.schema';

/** A queued delivery as the dispatcher sees it: the request and its bot. */
export interface Delivery extends QueuedDelivery {
  queueId: string;
  tenant: string;
  accountId: string;
  botId: string;
}

/** What a request brings to its queue. */
export type DeliveryRequest = Omit<Delivery, 'queueId'>;

/**
 * What a bot's queue holds at most, in bytes of {@link queuedSize}: a request that would take it
 * past this is refused (its outcome event says so), so the document stays far below MongoDB's
 * 16 MiB whatever the endpoint does.
 */
export const MAX_PENDING_BYTES = 4 * 1024 * 1024;

/** A queued delivery's size as the bound counts it: its body and room for the other fields. */
export const queuedSize = ({ body }: Pick<QueuedDelivery, 'body'>) => Buffer.byteLength(body) + 128;

/** A bot's queue, per tenant and account, so that a request naming another tenant's bot never shares its queue. */
export const queueIdOf = (request: Pick<Delivery, 'tenant' | 'accountId' | 'botId'>) => `${request.tenant}/${request.accountId}/${request.botId}`;

/** The entry as stored, fields in one order: `$pullAll` removes exactly equal entries. */
const entryOf = ({ id, eventType, body, acceptedAt }: QueuedDelivery): QueuedDelivery => ({ id, eventType, body, acceptedAt });

const sizeOf = (entries: QueuedDelivery[]) => entries.reduce((total, entry) => total + queuedSize(entry), 0);

const DUPLICATE_KEY = 11000;
const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === DUPLICATE_KEY;

/** The fields of a queue a page of it is read with. */
const pageOf = (limit: number) => ({ _id: 1, tenant: 1, accountId: 1, botId: 1, pending: { $slice: limit } });

function deliveriesOf(queue: Pick<DeliveryQueueDocument, '_id' | 'tenant' | 'accountId' | 'botId' | 'pending'>): Delivery[] {
  const { _id: queueId, tenant, accountId, botId } = queue;
  return (queue.pending ?? []).map((entry) => ({ ...entryOf(entry), queueId, tenant, accountId, botId }));
}

/** What {@link DeliveriesRepository.enqueue} did: the queues it appended to, and the requests it refused (their queue was full). */
export interface Enqueued {
  queueIds: string[];
  refused: DeliveryRequest[];
}

/** The only code touching `delivery_queues`. */
@Injectable()
export class DeliveriesRepository {
  /** Outcome events are recorded in the queue's outbox. */
  private readonly queueOutboxes: EventfulCollection<DeliveryQueueDocument>;
  private readonly queues: Collection<DeliveryQueueDocument>;

  constructor(@InjectModel(DELIVERY_QUEUE_MODEL) queueModel: Model<DeliveryQueueDocument>, collections: EventfulCollections) {
    this.queueOutboxes = collections.register<DeliveryQueueDocument>(queueModel);
    this.queues = this.queueOutboxes.collection;
  }

  /**
   * Appends requests to their bots' queues, in their order (durably: only then are the Kafka
   * messages acknowledged): one write per queue, the queues' in parallel. A request its queue
   * already holds (same id) is left as it is; one that would take its queue past
   * {@link MAX_PENDING_BYTES} is refused, and so are the queue's requests after it.
   */
  async enqueue(requests: DeliveryRequest[]): Promise<Enqueued> {
    const byQueue = new Map<string, DeliveryRequest[]>();
    for (const request of requests) {
      const queueId = queueIdOf(request);
      const queued = byQueue.get(queueId);
      if (queued) queued.push(request);
      else byQueue.set(queueId, [request]);
    }
    const refused = await Promise.all([...byQueue].map(([queueId, queued]) => this.append(queueId, queued)));
    return { queueIds: [...byQueue.keys()], refused: refused.flat() };
  }

  /** Appends to one queue (created if need be); answers the requests refused. */
  private async append(queueId: string, requests: DeliveryRequest[]): Promise<DeliveryRequest[]> {
    const entries = requests.map(entryOf);
    if (sizeOf(entries) <= MAX_PENDING_BYTES) {
      try {
        await this.push(queueId, requests[0], entries);
        return [];
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    return this.appendEach(queueId, requests);
  }

  /** The queue holds some of the requests already (redelivered), or has no room for all: request by request. */
  private async appendEach(queueId: string, requests: DeliveryRequest[]): Promise<DeliveryRequest[]> {
    const queue = await this.queues.findOne({ _id: queueId }, { projection: { 'pending.id': 1, pendingBytes: 1 } });
    const held = new Set((queue?.pending ?? []).map(({ id }) => id));
    let room = MAX_PENDING_BYTES - (queue?.pendingBytes ?? 0);
    const accepted: QueuedDelivery[] = [];
    const refused: DeliveryRequest[] = [];
    for (const request of requests) {
      if (held.has(request.id)) continue;
      if (refused.length === 0 && queuedSize(request) <= room) {
        accepted.push(entryOf(request));
        room -= queuedSize(request);
      } else {
        refused.push(request);
      }
    }
    if (accepted.length === 0) return refused;
    try {
      await this.push(queueId, requests[0], accepted);
    } catch (error) {
      // Another replica appended meanwhile (a rebalance): the transport tries the batch again.
      if (isDuplicateKey(error)) throw new Error(`delivery queue ${queueId} changed while appending`);
      throw error;
    }
    return refused;
  }

  /**
   * One write appending `entries` to the queue, creating it if need be. It matches only a queue
   * that holds none of them and has room for all; any other queue makes the upsert collide with
   * the queue's id (a duplicate-key error).
   */
  private async push(queueId: string, { tenant, accountId, botId }: DeliveryRequest, entries: QueuedDelivery[]): Promise<void> {
    const size = sizeOf(entries);
    // A queue written before deliveries were kept in it has no pendingBytes (and no pending): it has room.
    const room = { $or: [{ pendingBytes: { $lte: MAX_PENDING_BYTES - size } }, { pendingBytes: { $exists: false } }] };
    await this.queues.updateOne(
      { _id: queueId, 'pending.id': { $nin: entries.map(({ id }) => id) }, ...room },
      { $push: { pending: { $each: entries } }, $inc: { pendingBytes: size }, $set: { waiting: true }, $setOnInsert: { tenant, accountId, botId } },
      { upsert: true },
    );
  }

  /** Records the outcome events of refused requests in their queue's outbox. */
  async refuse(queueId: string, outcomes: RekeyEvent[]): Promise<void> {
    await this.queueOutboxes.record({ _id: queueId }, {}, outcomes);
  }

  /** Takes (or renews) the queue's lease for `owner`; answers its first `limit` deliveries, or null if another replica holds it. */
  async claim(queueId: string, owner: string, leaseMs: number, limit: number): Promise<Delivery[] | null> {
    const now = new Date();
    const queue = await this.queues.findOneAndUpdate(
      { _id: queueId, $or: [{ leaseUntil: { $exists: false } }, { leaseUntil: { $lt: now } }, { leaseOwner: owner }] },
      { $set: { leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) } },
      { returnDocument: 'after', projection: pageOf(limit) },
    );
    return queue && deliveriesOf(queue);
  }

  /** The queue's first `limit` deliveries, or null if `owner` lost its lease. */
  async read(queueId: string, owner: string, limit: number): Promise<Delivery[] | null> {
    const queue = await this.queues.findOne({ _id: queueId, leaseOwner: owner }, { projection: pageOf(limit) });
    return queue && deliveriesOf(queue);
  }

  /**
   * Removes the queue's deliveries `finished` and records their outcome events in one write,
   * renewing the lease, as long as `owner` still holds it; answers the queue's first `limit`
   * deliveries after it, or null if the lease was lost.
   */
  async finish(queueId: string, owner: string, leaseMs: number, finished: Delivery[], outcomes: RekeyEvent[], limit: number): Promise<Delivery[] | null> {
    const entries = finished.map(entryOf);
    const change = { set: { leaseUntil: new Date(Date.now() + leaseMs) }, pullAll: { pending: entries }, inc: { pendingBytes: -sizeOf(entries) }, events: outcomes };
    const queue = await this.queueOutboxes.publish({ _id: queueId, leaseOwner: owner }, change, pageOf(limit));
    return queue && deliveriesOf(queue);
  }

  /** Gives the lease up if the queue is empty (and so no longer waiting); false if it is not, or the lease is not `owner`'s. */
  async releaseIfEmpty(queueId: string, owner: string): Promise<boolean> {
    const released = await this.queues.updateOne({ _id: queueId, leaseOwner: owner, pending: { $size: 0 } }, { $unset: { leaseOwner: '', leaseUntil: '', waiting: '' } });
    return released.matchedCount > 0;
  }

  async release(queueId: string, owner: string): Promise<void> {
    await this.queues.updateOne({ _id: queueId, leaseOwner: owner }, { $unset: { leaseOwner: '', leaseUntil: '' } });
  }

  /** Queues that may hold deliveries and that no replica drains (at most `limit`): what a sweep offers to this replica. */
  async queuesWithWork(limit: number): Promise<string[]> {
    const free = { waiting: true as const, $or: [{ leaseUntil: { $exists: false } }, { leaseUntil: { $lt: new Date() } }] };
    return (await this.queues.find(free, { projection: { _id: 1 }, limit }).toArray()).map(({ _id }) => _id);
  }
}
