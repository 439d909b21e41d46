import { withOutbox } from '@rekey/events';
import { Schema } from 'mongoose';

export const PENDING_EVENT_MODEL = 'PendingEvent';

/**
 * `pending_events`: an event that could not be published directly (Kafka away), held in its own
 * small document's outbox until the relay publishes it; the document is created already marked
 * deleted, so the relay removes it once the event is out.
 */
export interface PendingEventDocument {
  /** The event's id. */
  _id: string;
  recordedAt: Date;
}

export const pendingEventSchema = withOutbox(
  new Schema<PendingEventDocument>({ _id: { type: String, required: true }, recordedAt: { type: Date, required: true } }, { collection: 'pending_events', versionKey: false }),
);
