import { uniqueMongoUri } from '@rekey/testing';
import mongoose, { Connection } from 'mongoose';
import { MongoProcessedEvents, PROCESSED_EVENTS_KEPT_MS, ProcessedEventsExpiry } from './processed-events';

const DAY_MS = 24 * 3_600_000;

describe('processed_events expiry', () => {
  let connection: Connection;
  let processed: MongoProcessedEvents;

  beforeAll(async () => {
    connection = await mongoose.createConnection(uniqueMongoUri('rekey_processed')).asPromise();
    processed = new MongoProcessedEvents(connection);
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('forgets the events handled longer ago than Kafka keeps messages, and only those', async () => {
    await processed.add('group-a', ['old-1', 'old-2', 'recent']);
    await processed.add('group-b', ['old-1', 'fresh']);
    const entries = connection.collection('processed_events');
    // As if handled 8 days ago, and 6 days ago.
    await entries.updateMany({ _id: { $in: ['group-a:old-1', 'group-a:old-2', 'group-b:old-1'] } as never }, { $set: { at: new Date(Date.now() - PROCESSED_EVENTS_KEPT_MS - DAY_MS) } });
    await entries.updateOne({ _id: 'group-a:recent' as never }, { $set: { at: new Date(Date.now() - PROCESSED_EVENTS_KEPT_MS + DAY_MS) } });

    await new ProcessedEventsExpiry(processed).expire();

    expect(await processed.seen('group-a', ['old-1', 'old-2', 'recent'])).toEqual(new Set(['recent']));
    expect(await processed.seen('group-b', ['old-1', 'fresh'])).toEqual(new Set(['fresh']));
    expect(await entries.countDocuments()).toBe(2);
  });
});
