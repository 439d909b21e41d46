import { CONSUMER_WAIT_MS, OffsetOrder } from './offset-order';

/** An order and what it delivered, by name, in delivery order. */
function recording() {
  const order = new OffsetOrder();
  const delivered: string[] = [];
  const at = (offset: number, partition = 0) => ({ partition, offset: String(offset) });
  return {
    delivered,
    acknowledged: (offset: number, name: string, partition = 0) => order.acknowledged(at(offset, partition), () => delivered.push(name)),
    consumed: (offset: number, name: string, partition = 0) => order.consumed(at(offset, partition), () => delivered.push(name)),
  };
}

/** 'mine' acknowledged at offset 6 while this replica has delivered up to 4: it waits for 5. */
function waitingForOffset5() {
  const r = recording();
  r.consumed(4, 'before');
  r.acknowledged(6, 'mine');
  return r;
}

describe('OffsetOrder', () => {
  it('leaves an acknowledged event to the consumer until it knows where the partition stands', () => {
    const r = recording();
    r.acknowledged(5, 'mine');
    expect(r.delivered).toEqual([]);
    r.consumed(5, 'mine');
    expect(r.delivered).toEqual(['mine']);
  });

  it('delivers an acknowledged event at once when it is next on its partition, and not again when consumed', () => {
    const r = recording();
    r.consumed(4, 'before');
    r.acknowledged(5, 'mine');
    r.acknowledged(6, 'mine too');
    expect(r.delivered).toEqual(['before', 'mine', 'mine too']);
    r.consumed(5, 'mine');
    r.consumed(6, 'mine too');
    r.consumed(7, 'after');
    expect(r.delivered).toEqual(['before', 'mine', 'mine too', 'after']);
    // And at once again after those.
    r.acknowledged(8, 'later');
    expect(r.delivered.at(-1)).toBe('later');
  });

  it("waits for another replica's event that comes first in the topic, then the consumer delivers both in offset order", () => {
    const r = waitingForOffset5();
    expect(r.delivered).toEqual(['before']);
    r.consumed(5, 'theirs');
    r.consumed(6, 'mine');
    expect(r.delivered).toEqual(['before', 'theirs', 'mine']);
  });

  it('does nothing for an acknowledgement the consumer was quicker than', () => {
    const r = recording();
    r.consumed(4, 'before');
    r.consumed(5, 'mine');
    r.acknowledged(5, 'mine');
    expect(r.delivered).toEqual(['before', 'mine']);
  });

  it('keeps partitions apart', () => {
    const r = recording();
    r.consumed(4, 'p0', 0);
    r.acknowledged(5, 'p1', 1);
    r.acknowledged(5, 'p0 next', 0);
    expect(r.delivered).toEqual(['p0', 'p0 next']);
  });

  it('forgets an early delivery the consumer never hands over, and goes on', () => {
    const r = recording();
    r.consumed(4, 'before');
    r.acknowledged(5, 'refused by the transport');
    r.consumed(6, 'theirs');
    r.acknowledged(7, 'mine');
    r.consumed(7, 'mine');
    expect(r.delivered).toEqual(['before', 'refused by the transport', 'theirs', 'mine']);
  });

  describe('when the consumer does not reach an acknowledged event', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('delivers it once CONSUMER_WAIT_MS has passed (its sender waits for it), then the earlier ones from the consumer, none twice', () => {
      const r = waitingForOffset5();
      jest.advanceTimersByTime(CONSUMER_WAIT_MS - 1);
      expect(r.delivered).toEqual(['before']);
      jest.advanceTimersByTime(1);
      expect(r.delivered).toEqual(['before', 'mine']);
      // The next acknowledgement follows it at once; the consumer brings the one it skipped, late.
      r.acknowledged(7, 'mine too');
      r.consumed(5, 'theirs, stored while its acknowledgement was lost');
      r.consumed(6, 'mine');
      r.consumed(7, 'mine too');
      expect(r.delivered).toEqual(['before', 'mine', 'mine too', 'theirs, stored while its acknowledgement was lost']);
    });

    it('leaves it to the consumer that reached it within CONSUMER_WAIT_MS', () => {
      const r = waitingForOffset5();
      r.consumed(5, 'theirs');
      r.consumed(6, 'mine');
      jest.advanceTimersByTime(CONSUMER_WAIT_MS);
      expect(r.delivered).toEqual(['before', 'theirs', 'mine']);
    });
  });
});
