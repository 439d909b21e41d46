import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { Schema } from 'mongoose';
import { RekeyEvent } from './event';
import { isDuplicateKey } from './driver-collection';
import { EventfulCollection, EventfulCollections } from './eventful-collection';
import { markDeleted, withOutbox } from './outbox';

export const PENDING_EVENT_MODEL = 'PendingEvent';

/**
 * `pending_events`: an event that could not be published directly (Kafka away), held in its own
 * small document's outbox until the relay publishes it; the document is created already marked
 * deleted, so the relay removes it once the event is out.
 */
interface PendingEventDocument {
  /** The event's id. */
  _id: string;
  recordedAt: Date;
}

export const pendingEventSchema = withOutbox(
  new Schema<PendingEventDocument>({ _id: { type: String, required: true }, recordedAt: { type: Date, required: true } }, { collection: 'pending_events', versionKey: false }),
);

/** The only code touching `pending_events`. */
@Injectable()
export class PendingEventsRepository {
  private readonly pending: EventfulCollection<PendingEventDocument>;

  constructor(@InjectModel(PENDING_EVENT_MODEL) model: Model<PendingEventDocument>, collections: EventfulCollections) {
    this.pending = collections.register<PendingEventDocument>(model);
  }

  /** Records each event durably for the relay (one write each), purged once published; idempotent per event id. */
  async record(events: RekeyEvent[]): Promise<void> {
    await Promise.all(events.map((event) => this.recordOne(event)));
  }

  private async recordOne(event: RekeyEvent): Promise<void> {
    try {
      await this.pending.insert({ _id: event.id, recordedAt: new Date(), ...markDeleted() }, event);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
}
