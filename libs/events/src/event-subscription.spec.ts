import { sameSubscription, subscriptionOf } from './event-subscription';

describe('subscriptionOf', () => {
  it('fills in the defaults, gathering none', () => {
    expect(subscriptionOf('t', { group: 'g' })).toEqual({ group: 'g', broadcast: false, fromBeginning: false, maxAttempts: 5, batch: false, gatherMs: 0 });
  });

  it('takes a whole number of milliseconds to gather, and refuses anything else', () => {
    expect(subscriptionOf('t', { group: 'g', gatherMs: 50 }).gatherMs).toBe(50);
    for (const gatherMs of [-1, 2.5, '50']) expect(() => subscriptionOf('t', { group: 'g', gatherMs })).toThrow('gatherMs');
  });

  it('tells handlers of one group that gather differently apart', () => {
    expect(sameSubscription(subscriptionOf('a', { group: 'g', gatherMs: 50 }), subscriptionOf('b', { group: 'g' }))).toBe(false);
    expect(sameSubscription(subscriptionOf('a', { group: 'g', gatherMs: 50 }), subscriptionOf('b', { group: 'g', gatherMs: 50 }))).toBe(true);
  });
});
