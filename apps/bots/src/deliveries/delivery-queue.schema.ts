import { withOutbox } from '@rekey/events';
import { Schema } from 'mongoose';

export const DELIVERY_QUEUE_MODEL = 'DeliveryQueue';

/** An accepted delivery request waiting in its bot's queue; removed in the write that records its outcome. */
export interface QueuedDelivery {
  /** The `ce_id` of the DeliveryRequested event: a redelivered request is not queued twice while it waits. */
  id: string;
  eventType: string;
  /** The event body exactly as it is POSTed and signed. */
  body: string;
  acceptedAt: Date;
}

/**
 * One bot's delivery queue in `delivery_queues`: its waiting deliveries in order (oldest first) and
 * their size, the lease of the replica delivering it (one at a time, so a bot's events go out in
 * order), and the outbox of its outcome events (recorded in the write that removes the deliveries).
 */
export interface DeliveryQueueDocument {
  /** `<tenant>/<chimeAccountId>/<botId>`. */
  _id: string;
  tenant: string;
  accountId: string;
  botId: string;
  pending: QueuedDelivery[];
  /** What `pending` holds, counted as {@link queuedSize} does: the document's bound. */
  pendingBytes: number;
  /** Set while `pending` may hold deliveries: what a sweep looks for (sparse index). */
  waiting?: true;
  leaseOwner?: string;
  leaseUntil?: Date;
}

export const deliveryQueueSchema = withOutbox(
  new Schema<DeliveryQueueDocument>(
    {
      _id: { type: String, required: true },
      tenant: { type: String, required: true },
      accountId: { type: String, required: true },
      botId: { type: String, required: true },
      pending: { type: [Object], required: true },
      pendingBytes: { type: Number, required: true },
      waiting: { type: Boolean },
      leaseOwner: { type: String },
      leaseUntil: { type: Date },
    },
    { collection: 'delivery_queues', versionKey: false },
  ),
);
// Queues that may have work, for the sweep.
deliveryQueueSchema.index({ waiting: 1 }, { sparse: true });
