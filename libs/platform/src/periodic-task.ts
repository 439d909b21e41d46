import { Logger } from '@nestjs/common';

/**
 * A background job run every few seconds (sweeps, reconciliations, renewals). A round still running
 * when the next is due is joined, not doubled, so a stalled database does not pile rounds up. A
 * failing job is logged once per outage, not at every tick, and again when it works. The timer
 * never keeps the process alive. (@nestjs/schedule's intervals overlap, log every failure, and
 * stop only at onApplicationShutdown, after the outbox's final flush.)
 */
export class PeriodicTask<T = unknown> {
  private timer?: NodeJS.Timeout;
  private round?: Promise<T>;
  private failing = false;

  /** `what` names the job in logs: "tunnel sweep" gives "tunnel sweep failed: …". */
  constructor(
    private readonly logger: Logger,
    private readonly what: string,
    private readonly job: () => Promise<T> | T,
  ) {}

  /** Runs the job every `everyMs`, and at once with `now`. */
  start(everyMs: number, { now = false } = {}): void {
    this.timer = setInterval(() => this.tick(), everyMs);
    this.timer.unref();
    if (now) this.tick();
  }

  /** One round now, or the one already running: its result, or its error. */
  run(): Promise<T> {
    this.round ??= (async () => this.job())().finally(() => (this.round = undefined));
    return this.round;
  }

  /** No more rounds; resolves once the one running (if any) has ended. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.round?.catch(() => undefined);
  }

  private tick(): void {
    this.run().then(
      () => {
        if (this.failing) this.logger.log(`${this.what} works again`);
        this.failing = false;
      },
      (error: Error) => {
        if (!this.failing) this.logger.warn(`${this.what} failed, retrying quietly until it works: ${error.message}`);
        this.failing = true;
      },
    );
  }
}
