import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { driverCollection, EventfulCollection, EventfulCollections, insertNew, RekeyEvent } from '@rekey/events';
import type { Collection } from 'mongodb';
import type { Model } from 'mongoose';
import { DELIVERY_QUEUE_MODEL, DeliveryQueueDocument } from './delivery-queue.schema';
import { DELIVERY_MODEL, DeliveryDocument } from './delivery.schema';

/** A queued delivery as the service sees it. */
export type Delivery = Omit<DeliveryDocument, '_id'> & { id: string };

/** What a request brings to its queue. */
export type DeliveryRequest = Omit<Delivery, 'queueId' | 'seq'>;

const toDelivery = ({ _id, ...fields }: DeliveryDocument): Delivery => ({ id: _id, ...fields });

/** A bot's queue, per tenant and account, so that a request naming another tenant's bot never shares its queue. */
export const queueIdOf = (request: Pick<Delivery, 'tenant' | 'accountId' | 'botId'>) => `${request.tenant}/${request.accountId}/${request.botId}`;

/** The requests by bot queue, each bot's in their order. */
export function groupByQueue(requests: DeliveryRequest[]): Map<string, DeliveryRequest[]> {
  const byQueue = new Map<string, DeliveryRequest[]>();
  for (const request of requests) {
    const queueId = queueIdOf(request);
    const queued = byQueue.get(queueId);
    if (queued) queued.push(request);
    else byQueue.set(queueId, [request]);
  }
  return byQueue;
}

/** The only code touching `delivery_queues` and `deliveries`. */
@Injectable()
export class DeliveriesRepository {
  /** Outcome events are recorded in the queue's outbox. */
  private readonly queueOutboxes: EventfulCollection<DeliveryQueueDocument>;
  private readonly queues: Collection<DeliveryQueueDocument>;
  private readonly deliveries: Collection<DeliveryDocument>;

  constructor(
    @InjectModel(DELIVERY_QUEUE_MODEL) queueModel: Model<DeliveryQueueDocument>,
    @InjectModel(DELIVERY_MODEL) deliveryModel: Model<DeliveryDocument>,
    collections: EventfulCollections,
  ) {
    this.queueOutboxes = collections.register<DeliveryQueueDocument>(queueModel);
    this.queues = this.queueOutboxes.collection;
    this.deliveries = driverCollection<DeliveryDocument>(deliveryModel);
  }

  /**
   * Appends requests to their bots' queues, in their order (durably: only then are the Kafka
   * messages acknowledged), and answers them as queued: one sequence-number reservation per queue
   * (the queues' in parallel), then one insert of them all. A request already queued (same id) is
   * left as it is.
   */
  async enqueue(requests: DeliveryRequest[]): Promise<Delivery[]> {
    const byQueue = groupByQueue(requests);
    const documents = (await Promise.all([...byQueue].map(([queueId, queued]) => this.reserve(queueId, queued)))).flat();
    // Repeated requests took sequence numbers and insert nothing: the gaps are harmless.
    await insertNew(this.deliveries, documents);
    return documents.map(toDelivery);
  }

  /** Those of the queues that hold deliveries: a bot's next request waits behind them. */
  async holdingDeliveries(queueIds: string[]): Promise<Set<string>> {
    return new Set((await this.deliveries.distinct('queueId', { queueId: { $in: queueIds } })) as string[]);
  }

  /** The queue's next `requests.length` sequence numbers, as the documents of the requests (in order). */
  private async reserve(queueId: string, requests: DeliveryRequest[]): Promise<DeliveryDocument[]> {
    const { tenant, accountId, botId } = requests[0];
    const queue = await this.queues.findOneAndUpdate(
      { _id: queueId },
      { $inc: { lastSeq: requests.length }, $setOnInsert: { tenant, accountId, botId, doneSeq: 0 } },
      { upsert: true, returnDocument: 'after', projection: { lastSeq: 1 } },
    );
    const first = (queue!.lastSeq as number) - requests.length + 1;
    return requests.map(({ id, ...fields }, n) => ({ _id: id, queueId, seq: first + n, ...fields }));
  }

  /** Takes (or renews) the queue's lease for `owner`; answers how far the queue is done, or null if another replica holds it. */
  async claim(queueId: string, owner: string, leaseMs: number): Promise<number | null> {
    const now = new Date();
    const queue = await this.queues.findOneAndUpdate(
      { _id: queueId, $or: [{ leaseUntil: { $exists: false } }, { leaseUntil: { $lt: now } }, { leaseOwner: owner }] },
      { $set: { leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) } },
      { returnDocument: 'after', projection: { doneSeq: 1 } },
    );
    return queue ? (queue.doneSeq as number) : null;
  }

  /** Removes finished deliveries a replica left behind when it stopped between finishing and removing them. */
  async purgeFinished(queueId: string, doneSeq: number): Promise<void> {
    await this.deliveries.deleteMany({ queueId, seq: { $lte: doneSeq } });
  }

  /** The queue's first `limit` deliveries after `doneSeq`, in order. */
  async next(queueId: string, doneSeq: number, limit: number): Promise<Delivery[]> {
    const docs = await this.deliveries.find({ queueId, seq: { $gt: doneSeq } }, { sort: { seq: 1 }, limit }).toArray();
    return (docs as unknown as DeliveryDocument[]).map(toDelivery);
  }

  /**
   * Records the outcome events of the queue's deliveries `finished` (in order, the queue's next
   * ones) and marks them finished in one write, renewing the lease, as long as `owner` still holds
   * the lease; then removes them. False if the lease was lost.
   */
  async finish(finished: Delivery[], owner: string, leaseMs: number, outcomes: RekeyEvent[]): Promise<boolean> {
    const last = finished[finished.length - 1];
    const finishing = { set: { doneSeq: last.seq, leaseUntil: new Date(Date.now() + leaseMs) }, events: outcomes };
    const written = await this.queueOutboxes.publish({ _id: last.queueId, leaseOwner: owner }, finishing, { _id: 1 });
    if (!written) return false;
    await this.deliveries.deleteMany({ _id: { $in: finished.map(({ id }) => id) } });
    return true;
  }

  async release(queueId: string, owner: string): Promise<void> {
    await this.queues.updateOne({ _id: queueId, leaseOwner: owner }, { $unset: { leaseOwner: '', leaseUntil: '' } });
  }

  /** Queues that hold deliveries (at most `limit` of them, each once however many it holds): what a sweep offers to this replica. */
  async queuesWithWork(limit: number): Promise<string[]> {
    return ((await this.deliveries.distinct('queueId')) as string[]).slice(0, limit);
  }
}
