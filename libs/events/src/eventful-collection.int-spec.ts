import { DynamicModule, Module } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { EVENT_TYPES } from '@rekey/contracts';
import { PlatformModule, RekeyConfig } from '@rekey/platform';
import { eventually, startTestApp, TestApp, TopicTail, uniqueMongoUri, uniqueName } from '@rekey/testing';
import { Connection, Model, Schema } from 'mongoose';
import { newEvent, RekeyEvent } from './event';
import { ConcurrentChangeError, EventfulCollection, EventfulCollections, MAX_CHANGE_ATTEMPTS } from './eventful-collection';
import { EventsModule } from './events.module';
import { OUTBOX, withOutbox } from './outbox';

interface Counter {
  _id: string;
  value: number;
  revision: number;
  label?: string;
}

const counterSchema = withOutbox(new Schema({ _id: String, value: Number, revision: Number, label: String }));

const counted = (key: string, value: number): RekeyEvent =>
  newEvent('bots', { type: EVENT_TYPES.bots.BotUpdated, subject: `/counters/${key}`, tenant: '111111111111', key, data: { value } });

describe('EventfulCollection: the one write path, on real Kafka and MongoDB', () => {
  const topic = uniqueName('eventful');
  let app: TestApp;
  let counters: EventfulCollection<Counter>;
  let tail: TopicTail;

  beforeAll(async () => {
    @Module({})
    class TestModule {
      static register(config: RekeyConfig): DynamicModule {
        return { module: TestModule, imports: [PlatformModule.forRoot(config), EventsModule.forRoot({ app: 'bots', topic })] };
      }
    }
    tail = await TopicTail.start(topic);
    app = await startTestApp('bots', (config) => TestModule.register(config), { MONGO_URI: uniqueMongoUri('rekey_eventful') });
    const connection = app.nest.get<Connection>(getConnectionToken());
    const model = connection.model('EventfulCounter', counterSchema) as unknown as Model<never>;
    const collections = app.nest.get(EventfulCollections);
    counters = collections.register<Counter>(model);
    // Registered once per collection: a second registration is the same collection.
    expect(collections.register<Counter>(model)).toBe(counters);
  }, 60_000);

  afterAll(async () => {
    await tail?.stop();
    await app?.close();
  });

  it('publishes the events of an insert and of a conditional record (the relay is woken by the write)', async () => {
    const created = counted('r1', 0);
    await counters.insert({ _id: 'r1', value: 0, revision: 0, label: undefined }, created);
    expect(await counters.collection.findOne({ _id: 'r1' })).not.toHaveProperty('label');
    const recorded = counted('r1', 0);
    expect(await counters.record({ _id: 'r1' }, { $set: { label: 'x' } }, [recorded])).toBe(true);
    expect(await counters.record({ _id: 'absent' }, { $set: { label: 'x' } }, [counted('absent', 0)])).toBe(false);
    const upserted = counted('r2', 0);
    expect(await counters.record({ _id: 'r2' }, { $setOnInsert: { value: 0, revision: 0 } }, [upserted], { upsert: true })).toBe(true);
    const ids = (await tail.waitFor((event) => [created.id, recorded.id, upserted.id].includes(event.headers.ce_id), 3)).map((event) => event.headers.ce_id);
    expect(ids.sort()).toEqual([created.id, recorded.id, upserted.id].sort());
  });

  it('compare-and-set: concurrent changes each apply to the state the previous one produced, their events published before they resolve', async () => {
    await counters.insert({ _id: 'c1', value: 0, revision: 0 }, counted('c1', 0));
    const increment = () => counters.change({ _id: 'c1' }, (current) => ({ set: { value: current.value + 1 }, events: [counted('c1', current.value + 1)] }), { version: 'revision' });
    const written = await Promise.all(Array.from({ length: 10 }, increment));
    expect(written.map((doc) => doc!.value).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await counters.collection.findOne({ _id: 'c1' })).toMatchObject({ value: 10, revision: 10 });
    // Acknowledged by Kafka before change() resolved (events.int-spec shows it is the request that sent them); consumed a moment later.
    const values = (await tail.waitFor((event) => event.key === 'c1', 11)).map((event) => (event.data as { value: number }).value);
    expect(values).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('compare-and-set: nothing to change returns the current document unwritten; no document resolves to null; `where` is part of the condition', async () => {
    await counters.insert({ _id: 'c2', value: 5, revision: 0 }, counted('c2', 5));
    expect(await counters.change({ _id: 'c2' }, () => null, { version: 'revision' })).toMatchObject({ value: 5, revision: 0 });
    expect(await counters.change({ _id: 'nothing' }, () => ({ set: { value: 1 }, events: [] }))).toBeNull();
    // Without a version, a `where` the document no longer meets makes it decide again on what it reads.
    let decisions = 0;
    const doc = await counters.change({ _id: 'c2' }, (current) => {
      decisions += 1;
      return current.label === 'done' ? null : { set: { label: 'done' }, events: [], where: { value: decisions === 1 ? 6 : 5 } };
    });
    expect(decisions).toBe(2);
    expect(doc).toMatchObject({ label: 'done', value: 5 });
  });

  it('compare-and-set with remember: a document changed here again is written without a read, concurrent changes taking turns; a change made elsewhere is missed, read, and stops the guessing until found as left', async () => {
    await counters.insert({ _id: 'c4', value: 0, revision: 0 }, counted('c4', 0));
    const reads = jest.spyOn(counters.collection, 'findOne');
    const increment = (filter: { _id: string; label?: string } = { _id: 'c4' }) =>
      counters.change(filter, (current) => ({ set: { value: current.value + 1 }, events: [counted('c4', current.value + 1)] }), { version: 'revision', remember: true });
    try {
      const readsOf = async (filter?: { _id: string; label?: string }) => {
        const before = reads.mock.calls.length;
        const written = await increment(filter);
        return { value: written?.value, reads: reads.mock.calls.length - before };
      };
      expect(await readsOf()).toEqual({ value: 1, reads: 1 });
      expect(await readsOf()).toEqual({ value: 2, reads: 0 });
      // Another replica's change: the guess misses (the fast path then checks the outbox bound), and the change is decided again on what is read.
      await counters.collection.updateOne({ _id: 'c4' }, { $set: { value: 100 }, $inc: { revision: 1 } });
      expect(await readsOf()).toEqual({ value: 101, reads: 2 });
      // Not guessed while changed elsewhere; guessed again once a read finds it as this process left it.
      expect(await readsOf()).toEqual({ value: 102, reads: 1 });
      expect(await readsOf()).toEqual({ value: 103, reads: 0 });
      // Concurrent changes here take turns: each writes on what the previous one wrote, none reads or misses.
      const before = reads.mock.calls.length;
      const concurrent = await Promise.all(Array.from({ length: 10 }, () => increment()));
      expect(concurrent.map((doc) => doc!.value)).toEqual([104, 105, 106, 107, 108, 109, 110, 111, 112, 113]);
      expect(reads.mock.calls.length - before).toBe(0);
      // The guess must meet the filter's equalities: this one reads, and finds nothing.
      expect(await readsOf({ _id: 'c4', label: 'other' })).toEqual({ value: undefined, reads: 1 });
    } finally {
      reads.mockRestore();
    }
    expect(await counters.collection.findOne({ _id: 'c4' })).toMatchObject({ value: 113, revision: 16 });
    const values = (await tail.waitFor((event) => event.key === 'c4', 16)).map((event) => (event.data as { value: number }).value);
    expect(values).toEqual([0, 1, 2, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113]);
  });

  it('changes of one document in a row: the last clearing removes the earlier entries this process sent too, with no entry-by-entry removal', async () => {
    await counters.insert({ _id: 'c6', value: 0, revision: 0 }, counted('c6', 0));
    await tail.waitFor((event) => event.key === 'c6', 1);
    const removals = jest.spyOn(counters.collection, 'updateOne');
    try {
      // Each writes as soon as the previous one wrote, before its clearing: the outbox holds the earlier entries.
      const written = await Promise.all(
        Array.from({ length: 10 }, () => counters.change({ _id: 'c6' }, (current) => ({ set: { value: current.value + 1 }, events: [counted('c6', current.value + 1)] }), { version: 'revision', remember: true })),
      );
      expect(written.map((doc) => doc!.value)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect((await tail.waitFor((event) => event.key === 'c6', 11)).map((event) => (event.data as { value: number }).value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const outboxOf = async () => (await counters.collection.findOne({ _id: 'c6' }, { projection: { [OUTBOX.events]: 1, [OUTBOX.pending]: 1 } })) as Record<string, unknown> | null;
      // The clearing follows the answers in the background.
      await eventually(async () => ((await outboxOf())?.[OUTBOX.pending] === false ? true : undefined), 5_000, 'the clearing');
      expect(await outboxOf()).toMatchObject({ [OUTBOX.events]: [], [OUTBOX.pending]: false });
      expect(removals.mock.calls.filter(([, update]) => '$pullAll' in update)).toEqual([]);
    } finally {
      removals.mockRestore();
    }
  });

  it(`compare-and-set: gives up after ${MAX_CHANGE_ATTEMPTS} lost races with the registration's error`, async () => {
    await counters.insert({ _id: 'c3', value: 0, revision: 0 }, counted('c3', 0));
    let decisions = 0;
    const losing = counters.change(
      { _id: 'c3' },
      async (current) => {
        decisions += 1;
        // Another writer gets there first, every time.
        await counters.collection.updateOne({ _id: 'c3' }, { $inc: { revision: 1 } });
        return { set: { value: current.value + 1 }, events: [counted('c3', 1)] };
      },
      { version: 'revision' },
    );
    await expect(losing).rejects.toThrow(ConcurrentChangeError);
    expect(decisions).toBe(MAX_CHANGE_ATTEMPTS);
    expect(await counters.collection.findOne({ _id: 'c3' })).toMatchObject({ value: 0 });
  });
});
