import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { ThrottleCounterStore } from './request-throttle';

interface CounterDocument {
  _id: string;
  count: number;
  expiresAt: Date;
}

/** How long a window's counter is kept: long enough for every replica's late reconciliation. */
const KEEP_MS = 60_000;

/** Throttle counters in the app's own database: one document per key and one-second window. */
export class MongoThrottleCounters implements ThrottleCounterStore {
  private readonly counters: Collection<CounterDocument>;
  private lastPurge = 0;

  constructor(connection: Connection) {
    this.counters = connection.collection('throttle_windows') as unknown as Collection<CounterDocument>;
  }

  async add(key: string, window: number, delta: number): Promise<number> {
    const counter = await this.counters.findOneAndUpdate(
      { _id: `${key}@${window}` },
      { $inc: { count: delta }, $setOnInsert: { expiresAt: new Date(window * 1000 + KEEP_MS) } },
      { upsert: true, returnDocument: 'after' },
    );
    await this.purgeNowAndThen();
    return counter?.count ?? delta;
  }

  /** Every replica purges old windows about once a minute: cheaper than a TTL monitor all servers may lack. */
  private async purgeNowAndThen(): Promise<void> {
    if (Date.now() - this.lastPurge < KEEP_MS) return;
    this.lastPurge = Date.now();
    await this.counters.deleteMany({ expiresAt: { $lt: new Date() } });
  }
}
