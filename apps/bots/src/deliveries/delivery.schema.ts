import { Schema } from 'mongoose';

export const DELIVERY_MODEL = 'Delivery';

/** An accepted delivery request waiting in its bot's queue (`deliveries`); removed once its outcome is recorded. */
export interface DeliveryDocument {
  /** The `ce_id` of the DeliveryRequested event: a redelivered request is not queued twice. */
  _id: string;
  queueId: string;
  /** Position in the bot's queue. */
  seq: number;
  tenant: string;
  accountId: string;
  botId: string;
  eventType: string;
  /** The event body exactly as it is POSTed and signed. */
  body: string;
  acceptedAt: Date;
}

export const deliverySchema = new Schema<DeliveryDocument>(
  {
    _id: { type: String, required: true },
    queueId: { type: String, required: true },
    seq: { type: Number, required: true },
    tenant: { type: String, required: true },
    accountId: { type: String, required: true },
    botId: { type: String, required: true },
    eventType: { type: String, required: true },
    body: { type: String, required: true },
    acceptedAt: { type: Date, required: true },
  },
  { collection: 'deliveries', versionKey: false },
);
// A queue's next delivery.
deliverySchema.index({ queueId: 1, seq: 1 });
