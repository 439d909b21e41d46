import { JoiningQueue } from './joining-queue';

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
