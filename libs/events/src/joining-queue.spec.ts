import { JoiningQueue, JoiningReads } from './joining-queue';

describe('JoiningQueue', () => {
  it('sends the first item alone, then everything queued meanwhile together, in order, at most maxBatch at a time', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const queue = new JoiningQueue<number>(3, async (batch) => {
      batches.push(batch);
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    queue.push(1);
    for (const n of [2, 3, 4, 5]) queue.push(n);
    expect(batches).toEqual([[1]]);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  });
});

describe('JoiningReads', () => {
  it('answers keys asked during a read with the next read, made after they were asked, together; a failed read rejects its keys and those asked meanwhile', async () => {
    const state = new Map([['a', 1]]);
    const reads: Array<{ keys: string[]; answer: () => void }> = [];
    const joined = new JoiningReads<string, number | undefined>(10, (keys) => {
      // The database answers as of the moment the read is made.
      const values = keys.map((key) => state.get(key));
      return new Promise((resolve, reject) => reads.push({ keys, answer: () => (keys.includes('fail') ? reject(new Error('down')) : resolve(values)) }));
    });
    const first = joined.read('a');
    state.set('a', 2).set('b', 3);
    const [second, third] = [joined.read('a'), joined.read('b')];
    expect(reads.map(({ keys }) => keys)).toEqual([['a']]);
    reads[0].answer();
    await expect(first).resolves.toBe(1);
    expect(reads.map(({ keys }) => keys)).toEqual([['a'], ['a', 'b']]);
    const failing = joined.read('fail');
    reads[1].answer();
    await expect(Promise.all([second, third])).resolves.toEqual([2, 3]);
    // Asked while the failing read is under way: failed with it, not left to wait for a read of its own.
    const behind = joined.read('a');
    reads[2].answer();
    await expect(failing).rejects.toThrow('down');
    await expect(behind).rejects.toThrow('down');
    expect(reads).toHaveLength(3);
    const after = joined.read('b');
    reads[3].answer();
    await expect(after).resolves.toBe(3);
  });
});
