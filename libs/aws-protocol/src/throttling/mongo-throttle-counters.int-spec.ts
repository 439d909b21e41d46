import { uniqueMongoUri } from '@rekey/testing';
import mongoose from 'mongoose';
import { MongoThrottleCounters } from './mongo-throttle-counters';
import { RequestThrottle } from './request-throttle';

describe('throttle counters shared through the real MongoDB-wire server', () => {
  const connection = mongoose.createConnection(uniqueMongoUri('rekey_throttle'));
  afterAll(() => connection.close());

  it('lets two replicas share one limit, counting concurrent additions exactly', async () => {
    const limits = { defaultPerSecond: 50, perOperation: {} };
    const window = Math.floor(Date.now() / 1000);
    const clock = () => window * 1000;
    const [a, b] = [new RequestThrottle(limits, new MongoThrottleCounters(connection), clock), new RequestThrottle(limits, new MongoThrottleCounters(connection), clock)];
    const admit = (throttle: RequestThrottle, times: number) => Array.from({ length: times }, () => throttle.admit('111111111111', 'CreateChatToken').admitted).filter(Boolean).length;
    expect(admit(a, 30)).toBe(30);
    expect(admit(b, 15)).toBe(15);
    await Promise.all([a.reconcile(), b.reconcile()]);
    await Promise.all([a.reconcile(), b.reconcile()]);
    expect(admit(a, 10)).toBe(5);
    await a.reconcile();
    await b.reconcile();
    expect(admit(b, 10)).toBe(0);
    const stored = await connection.collection('throttle_windows').findOne({ _id: `111111111111|CreateChatToken@${window}` as never });
    expect(stored?.count).toBe(50);
  });
});
