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
