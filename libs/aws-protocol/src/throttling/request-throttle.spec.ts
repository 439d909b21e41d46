import { RequestThrottle, ThrottleCounterStore } from './request-throttle';

/** The shared counters replicas reconcile through, kept in memory for the logic's sake. */
class SharedCounters implements ThrottleCounterStore {
  readonly counts = new Map<string, number>();
  failing = false;

  async add(key: string, window: number, delta: number): Promise<number> {
    if (this.failing) throw new Error('store down');
    const total = (this.counts.get(`${key}@${window}`) ?? 0) + delta;
    this.counts.set(`${key}@${window}`, total);
    return total;
  }
}

const limits = { defaultPerSecond: 10, perOperation: { CreateRoom: 2 } };
const admitted = (throttle: RequestThrottle, times: number, operation = 'GetRoom', tenant = 't1') =>
  Array.from({ length: times }, () => throttle.admit(tenant, operation).admitted).filter(Boolean).length;

describe('RequestThrottle', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('admits up to the limit of the operation per second, per tenant and operation', () => {
    const throttle = new RequestThrottle(limits, new SharedCounters(), clock);
    expect(admitted(throttle, 15)).toBe(10);
    expect(admitted(throttle, 5, 'CreateRoom')).toBe(2);
    expect(admitted(throttle, 15, 'GetRoom', 't2')).toBe(10);
    expect(throttle.admit('t1', 'CreateRoom')).toEqual({ admitted: false, limit: 2 });
    now += 1000;
    expect(admitted(throttle, 15)).toBe(10);
  });

  it('shares one limit between replicas once they reconcile', async () => {
    const store = new SharedCounters();
    const [a, b] = [new RequestThrottle(limits, store, clock), new RequestThrottle(limits, store, clock)];
    expect(admitted(a, 6)).toBe(6);
    await a.reconcile();
    expect(admitted(b, 1)).toBe(1);
    await b.reconcile();
    expect(admitted(b, 10)).toBe(3);
    await b.reconcile();
    await a.reconcile();
    expect(admitted(a, 10)).toBe(0);
    await Promise.all([a.reconcile(), b.reconcile()]);
    expect([...store.counts.values()]).toEqual([10]);
  });

  it('keeps counting locally while the store is down and hands the count over once it is back', async () => {
    const store = new SharedCounters();
    const [a, b] = [new RequestThrottle(limits, store, clock), new RequestThrottle(limits, store, clock)];
    expect(admitted(a, 4)).toBe(4);
    store.failing = true;
    await expect(a.reconcile()).rejects.toThrow('store down');
    expect(admitted(a, 10)).toBe(6);
    store.failing = false;
    await a.reconcile();
    expect(store.counts.get(`t1|GetRoom@${Math.floor(now / 1000)}`)).toBe(10);
    expect(admitted(b, 1)).toBe(1); // b has not learnt a's count yet: it learns on its first reconciliation
    await b.reconcile();
    expect(admitted(b, 1)).toBe(0);
  });
});
