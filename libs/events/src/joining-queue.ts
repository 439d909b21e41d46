/**
 * Hands queued items to `flush` in batches, one batch in flight: items queued while a batch is in
 * flight go together into the next, in queue order. So callers that each await their own round
 * trip share round trips under load instead of being served one at a time. `flush` settles its
 * items' callers itself and must not reject.
 */
export class JoiningQueue<T> {
  private readonly waiting: T[] = [];
  private flushing = false;

  constructor(
    private readonly maxBatch: number,
    private readonly flush: (batch: T[]) => Promise<void>,
  ) {}

  push(item: T): void {
    this.waiting.push(item);
    void this.drain();
  }

  /** Removes and returns every item still waiting (not yet handed to `flush`), in queue order. */
  takeWaiting(): T[] {
    return this.waiting.splice(0);
  }

  private async drain(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    while (this.waiting.length > 0) await this.flush(this.waiting.splice(0, this.maxBatch));
    this.flushing = false;
  }
}

interface Waiting<K, V> {
  key: K;
  resolve: (value: V) => void;
  reject: (error: unknown) => void;
}

/**
 * Reads by key, the reads asked while one is under way made together by the next (a
 * {@link JoiningQueue}): one round trip for many callers under load. A read is made after every
 * key it answers was asked (never joined to one already under way), so each caller sees every
 * write made before it asked. A failed read also fails the reads asked meanwhile: the database is
 * in trouble, and they would otherwise wait out this failure before their own read's.
 */
export class JoiningReads<K, V> {
  private readonly queue: JoiningQueue<Waiting<K, V>>;

  /** `readMany` answers for `keys`, in their order; at most `maxBatch` keys at a time. */
  constructor(
    maxBatch: number,
    private readonly readMany: (keys: K[]) => Promise<V[]>,
  ) {
    this.queue = new JoiningQueue<Waiting<K, V>>(maxBatch, (batch) => this.readTogether(batch));
  }

  read(key: K): Promise<V> {
    return new Promise((resolve, reject) => this.queue.push({ key, resolve, reject }));
  }

  private async readTogether(batch: Waiting<K, V>[]): Promise<void> {
    try {
      const values = await this.readMany(batch.map(({ key }) => key));
      batch.forEach(({ resolve }, n) => resolve(values[n]));
    } catch (error) {
      for (const { reject } of [...batch, ...this.queue.takeWaiting()]) reject(error);
    }
  }
}
