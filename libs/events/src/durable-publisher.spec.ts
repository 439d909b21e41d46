import { DurablePublisher } from './durable-publisher';
import { newEvent, RekeyEvent } from './event';
import { EventPublisher } from './event-publisher';
import { PendingEventsRepository } from './pending-events';

const event = () => newEvent('chat', { type: 'rekey.chat.ChatTokenCreated', subject: 'room', tenant: '111111111111', key: 'room', data: {} });

function harness(publish: (event: RekeyEvent) => Promise<void>) {
  const published: RekeyEvent[] = [];
  const recorded: RekeyEvent[] = [];
  const publisher = { publishAll: async (events: RekeyEvent[]) => (await Promise.all(events.map(publish)), void published.push(...events)) } as unknown as EventPublisher;
  const pending = { record: async (events: RekeyEvent[]) => void recorded.push(...events) } as unknown as PendingEventsRepository;
  return { durable: new DurablePublisher(publisher, pending), published, recorded };
}

describe('DurablePublisher', () => {
  it('publishes directly when Kafka acknowledges, writing nothing', async () => {
    const h = harness(async () => undefined);
    await h.durable.publish([event()]);
    expect(h.published).toHaveLength(1);
    expect(h.recorded).toHaveLength(0);
  });

  it('records the same event in the outbox (whose write wakes the relay) when the publish fails', async () => {
    const h = harness(async () => {
      throw new Error('broker down');
    });
    const e = event();
    await h.durable.publish([e]);
    expect(h.recorded).toEqual([e]);
  });

  it('falls back when Kafka does not answer within the timeout, then skips Kafka for a while', async () => {
    let attempts = 0;
    const h = harness(() => {
      attempts += 1;
      return new Promise<void>(() => undefined);
    });
    const started = Date.now();
    await h.durable.publish([event()]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(3_000);
    const second = Date.now();
    await h.durable.publish([event()]);
    expect(Date.now() - second).toBeLessThan(200);
    expect(attempts).toBe(1);
    expect(h.recorded).toHaveLength(2);
  });
});
