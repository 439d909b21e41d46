import { uniqueMongoUri } from '@rekey/testing';
import { Collection, Document, Filter, MongoClient, UpdateFilter } from 'mongodb';

/**
 * The local MongoDB-wire server answers filters through its indexes (tools/infra/mongo-java-server/src).
 * An index may only narrow the candidates, never change an answer: every filter below must find
 * exactly what the same filter finds on an unindexed copy of the same documents, before and after
 * updates that move documents between index keys.
 */
/** The documents here have string ids. */
type Doc = Document & { _id: string };

describe('indexed mongo-java-server answers like a collection scan', () => {
  const uri = uniqueMongoUri('rekey_index_check');
  const client = new MongoClient(uri);
  let indexed: Collection<Doc>;
  let scanned: Collection<Doc>;

  // A small deterministic generator (mulberry32), so a failure replays.
  let seed = 20261123;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const tenants = ['A', 'B', 'C'];
  const accounts = ['a1', 'a2', 'a3', 'a4'];
  const tags = ['red', 'green', 'blue'];
  const id = () => `doc-${Math.floor(random() * 600)}`;

  function document(n: number): Doc {
    const doc: Doc = { _id: `doc-${n}`, tenant: pick(tenants), accountId: pick(accounts), createdAt: new Date(1_700_000_000_000 + Math.floor(random() * 1000) * 1000), revision: Math.floor(random() * 3) };
    if (random() < 0.5) doc.tags = tags.filter(() => random() < 0.5);
    if (random() < 0.3) doc.pending = random() < 0.5;
    if (random() < 0.2) doc.deletedAt = new Date();
    if (random() < 0.1) doc.accountId = null;
    return doc;
  }

  function filter(): Filter<Doc> {
    const notDeleted = { deletedAt: { $exists: false } };
    return pick<() => Filter<Doc>>([
      () => ({ _id: id() }),
      () => ({ _id: id(), tenant: pick(tenants), ...notDeleted }),
      () => ({ _id: id(), revision: pick([0, 1, 2, 1.0]) }),
      () => ({ _id: { $in: [id(), id(), id()] }, pending: pick([true, false]) }),
      () => ({ tenant: pick(tenants) }),
      () => ({ tenant: pick(tenants), accountId: pick(accounts), ...notDeleted }),
      () => ({ tenant: pick(tenants), accountId: pick(accounts), createdAt: { $gt: new Date(1_700_000_500_000) } }),
      () => ({ tenant: pick(tenants), accountId: null }),
      () => ({ tenant: pick(tenants), accountId: { $ne: pick(accounts) } }),
      () => ({ tags: pick(tags) }),
      () => ({ tags: [] }),
      () => ({ pending: true, $or: [{ claimUntil: { $exists: false } }, { claimUntil: { $lt: new Date() } }] }),
      () => ({ pending: false, revision: { $gte: 1 } }),
    ])();
  }

  const idsOf = (docs: Doc[]) => docs.map((doc) => String(doc._id)).sort();
  const answers = async (query: Filter<Doc>) => Promise.all([indexed.find(query).toArray(), scanned.find(query).toArray()]).then(([a, b]) => [idsOf(a), idsOf(b)]);

  async function expectSameAnswers(times: number) {
    for (let i = 0; i < times; i++) {
      const query = filter();
      const [fromIndex, fromScan] = await answers(query);
      expect({ query, ids: fromIndex }).toEqual({ query, ids: fromScan });
    }
  }

  beforeAll(async () => {
    await client.connect();
    indexed = client.db().collection<Doc>('indexed');
    scanned = client.db().collection<Doc>('scanned');
    await indexed.createIndex({ tenant: 1, accountId: 1, createdAt: 1, _id: 1 });
    await indexed.createIndex({ tags: 1 });
    await indexed.createIndex({ pending: 1 }, { sparse: true });
    const docs = Array.from({ length: 600 }, (_, n) => document(n));
    await indexed.insertMany(docs.map((doc) => ({ ...doc })));
    await scanned.insertMany(docs.map((doc) => ({ ...doc })));
  });

  afterAll(async () => {
    await client.db().dropDatabase();
    await client.close();
  });

  it('finds the same documents through an index as by scanning', async () => {
    const [someTenant] = await answers({ tenant: 'A' });
    expect(someTenant.length).toBeGreaterThan(100);
    await expectSameAnswers(400);
  });

  it('answers sorted pages (keyset pagination) in the same order, skip and limit applied', async () => {
    const after = new Date(1_700_000_000_000 + Math.floor(random() * 1000) * 1000);
    for (let i = 0; i < 200; i++) {
      const query: Filter<Doc> = pick<Filter<Doc>>([
        { tenant: pick(tenants), accountId: pick(accounts), deletedAt: { $exists: false } },
        { tenant: pick(tenants), accountId: pick(accounts), $or: [{ createdAt: { $gt: after } }, { createdAt: after, _id: { $gt: id() } }] },
        { tenant: pick(tenants) },
      ]);
      // Total orders (the _id breaks ties), so that both answers have one right order.
      const sort = pick<Record<string, 1 | -1>>([{ createdAt: 1, _id: 1 }, { accountId: 1, createdAt: 1, _id: 1 }, { createdAt: -1, _id: -1 }, { _id: 1 }]);
      const [skip, limit] = [pick([0, 0, 3]), pick([0, 1, 5, 11])];
      const page = (collection: Collection<Doc>) => collection.find(query).sort(sort).skip(skip).limit(limit).toArray();
      const [fromIndex, fromScan] = await Promise.all([page(indexed), page(scanned)]);
      expect({ query, sort, skip, limit, ids: fromIndex.map((doc) => doc._id) }).toEqual({ query, sort, skip, limit, ids: fromScan.map((doc) => doc._id) });
    }
  });

  it('still does after updates that change indexed fields and deletions', async () => {
    for (let i = 0; i < 300; i++) {
      const query = filter();
      const update = pick<UpdateFilter<Doc>>([
        { $set: { tenant: pick(tenants), accountId: pick(accounts) } },
        { $set: { pending: random() < 0.5 }, $inc: { revision: 1 } },
        { $unset: { pending: '' } },
        { $set: { tags: tags.filter(() => random() < 0.5) } },
        { $set: { deletedAt: new Date() } },
      ]);
      const [a, b] = random() < 0.1 ? await Promise.all([indexed.deleteMany(query), scanned.deleteMany(query)]).then((r) => r.map((x) => x.deletedCount)) : await Promise.all([indexed.updateMany(query, update), scanned.updateMany(query, update)]).then((r) => r.map((x) => x.modifiedCount));
      expect(a).toBe(b);
    }
    await expectSameAnswers(400);
  });
});
