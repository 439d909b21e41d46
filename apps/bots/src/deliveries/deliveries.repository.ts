import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { driverCollection, EventfulCollection, EventfulCollections, RekeyEvent } from '@rekey/events';
import type { Collection } from 'mongodb';
import type { Model } from 'mongoose';
import { DELIVERY_QUEUE_MODEL, DeliveryQueueDocument } from './delivery-queue.schema';
import { DELIVERY_MODEL, DeliveryDocument } from './delivery.schema';

/** A queued delivery as the service sees it. */
export type Delivery = Omit<DeliveryDocument, '_id'> & { id: string };

/** What a request brings to its queue. */
export type DeliveryRequest = Omit<Delivery, 'queueId' | 'seq'>;

const DUPLICATE_KEY = 11000;

const toDelivery = ({ _id, ...fields }: DeliveryDocument): Delivery => ({ id: _id, ...fields });

/** A bot's queue, per tenant and account, so that a request naming another tenant's bot never shares its queue. */
export const queueIdOf = (request: Pick<Delivery, 'tenant' | 'accountId' | 'botId'>) => `${request.tenant}/${request.accountId}/${request.botId}`;

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
   * Appends a request to its bot's queue (durably: only then is the Kafka message acknowledged) and
   * answers the queue's id. A request already queued (same id) is left as it is.
   */
  async enqueue(request: DeliveryRequest): Promise<string> {
    const queueId = queueIdOf(request);
    // A repeated request takes a sequence number and inserts nothing: the gap is harmless.
    const queue = await this.queues.findOneAndUpdate(
      { _id: queueId },
      { $inc: { lastSeq: 1 }, $setOnInsert: { tenant: request.tenant, accountId: request.accountId, botId: request.botId, doneSeq: 0 } },
      { upsert: true, returnDocument: 'after', projection: { lastSeq: 1 } },
    );
    const { id, ...fields } = request;
    try {
      await this.deliveries.insertOne({ _id: id, queueId, seq: queue!.lastSeq as number, ...fields });
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    }
    return queueId;
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

  /** The queue's first delivery after `doneSeq`. */
  async next(queueId: string, doneSeq: number): Promise<Delivery | null> {
    const doc = await this.deliveries.findOne({ queueId, seq: { $gt: doneSeq } }, { sort: { seq: 1 } });
    return doc ? toDelivery(doc as unknown as DeliveryDocument) : null;
  }

  /**
   * Records the delivery's outcome event and marks it finished in one write, renewing the lease,
   * as long as `owner` still holds the lease; then removes the delivery. False if the lease was lost.
   */
  async finish(delivery: Delivery, owner: string, leaseMs: number, outcome: RekeyEvent): Promise<boolean> {
    const finished = { set: { doneSeq: delivery.seq, leaseUntil: new Date(Date.now() + leaseMs) }, events: [outcome] };
    const written = await this.queueOutboxes.publish({ _id: delivery.queueId, leaseOwner: owner }, finished, { _id: 1 });
    if (!written) return false;
    await this.deliveries.deleteOne({ _id: delivery.id });
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
