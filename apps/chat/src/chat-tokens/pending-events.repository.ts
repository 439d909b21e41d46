import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { EventfulCollection, EventfulCollections, markDeleted, RekeyEvent } from '@rekey/events';
import type { Model } from 'mongoose';
import { PENDING_EVENT_MODEL, PendingEventDocument } from './pending-event.schema';

const DUPLICATE_KEY = 11000;

/** The only code touching `pending_events`. */
@Injectable()
export class PendingEventsRepository {
  private readonly pending: EventfulCollection<PendingEventDocument>;

  constructor(@InjectModel(PENDING_EVENT_MODEL) model: Model<PendingEventDocument>, collections: EventfulCollections) {
    this.pending = collections.register<PendingEventDocument>(model);
  }

  /** Records the event durably for the relay (one write), purged once published; idempotent per event id. */
  async record(event: RekeyEvent): Promise<void> {
    try {
      await this.pending.insert({ _id: event.id, recordedAt: new Date(), ...markDeleted() }, event);
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    }
  }
}
