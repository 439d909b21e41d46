import { withOutbox } from '@rekey/events';
import { Schema } from 'mongoose';

export const DELIVERY_QUEUE_MODEL = 'DeliveryQueue';

/**
 * One bot's delivery queue in `delivery_queues`: the sequence numbers handed out and finished, the
 * lease of the replica delivering it (one at a time, so a bot's events go out in order), and the
 * outbox of its outcome events (recorded in the same write that marks a delivery finished).
 */
export interface DeliveryQueueDocument {
  /** `<tenant>/<chimeAccountId>/<botId>`. */
  _id: string;
  tenant: string;
  accountId: string;
  botId: string;
  /** The last sequence number handed to a request. */
  lastSeq: number;
  /** Every delivery up to this sequence number is finished (its outcome recorded). */
  doneSeq: number;
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
      lastSeq: { type: Number, required: true },
      doneSeq: { type: Number, required: true },
      leaseOwner: { type: String },
      leaseUntil: { type: Date },
    },
    { collection: 'delivery_queues', versionKey: false },
  ),
);
