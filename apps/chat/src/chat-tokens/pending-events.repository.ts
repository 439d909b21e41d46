import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { markDeleted, outboxForCreate, RekeyEvent } from '@rekey/events';
import type { Model } from 'mongoose';
import { PENDING_EVENT_MODEL, PendingEventDocument } from './pending-event.schema';

/** The only code touching `pending_events`. */
@Injectable()
export class PendingEventsRepository {
  constructor(@InjectModel(PENDING_EVENT_MODEL) private readonly model: Model<PendingEventDocument>) {}

  /** Records the event durably for the relay (one write); idempotent per event id. */
  async record(event: RekeyEvent): Promise<void> {
    await this.model.updateOne({ _id: event.id }, { $setOnInsert: { recordedAt: new Date(), ...outboxForCreate(event), ...markDeleted() } }, { upsert: true });
  }
}
