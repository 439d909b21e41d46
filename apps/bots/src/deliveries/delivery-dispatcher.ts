import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { BotEventSender, DeliveryOutcome } from './bot-event-sender';
import { deliveryOutcomeEvent } from './deliveries.events';
import { DeliveriesMetrics } from './deliveries.metrics';
import { DeliveriesRepository, Delivery } from './deliveries.repository';

/** A queue's lease outlives one delivery (three 2 s attempts and the 600 ms between them) many times over; it is renewed with each. */
const LEASE_MS = 30_000;
/** How often a replica looks for queues nobody is draining (work left by a replica that stopped, or missed by a wake-up). */
const SWEEP_MS = 1_000;
/** Queues one replica drains at once: a slow endpoint holds one of these, not the others. */
const MAX_ACTIVE_QUEUES = 64;
/** Deliveries recorded at once at most; a queue is read twice as many at a time, those sent but not yet recorded at its head. */
const PAGE_SIZE = 32;
/**
 * Outcomes are recorded (and the lease renewed) in one write once this long has passed since the
 * last, once PAGE_SIZE are waiting, or when the queue is empty: outcome events wait at most this
 * long plus one delivery (6.6 s at worst), and the write (MongoDB, then Kafka's acknowledgement)
 * costs a few milliseconds per delivery.
 */
const RECORD_EVERY_MS = 1_000;

/** A promise awaited later: its failure surfaces there, not as an unhandled rejection meanwhile. */
function background<T>(work: Promise<T>): Promise<T> {
  work.catch(() => undefined);
  return work;
}

/** A queue draining here: whether this replica's consumer queues for it, whether it did since the last read, and how to end a wait for that. */
class Drain {
  done: Promise<void> = Promise.resolve();
  woken = false;

  constructor(public fedHere: boolean) {}

  private nudged?: () => void;

  /** Resolves when nudged, or after `ms`. */
  async waitForNudge(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.nudged = resolve;
      timer = setTimeout(resolve, Math.max(0, ms));
    });
    clearTimeout(timer);
    this.nudged = undefined;
  }

  nudge(): void {
    this.nudged?.();
  }
}

/** A delivery made and its outcome, not yet recorded. */
interface Finished {
  delivery: Delivery;
  outcome: DeliveryOutcome;
  at: Date;
}

/**
 * Drains bots' delivery queues: one replica at a time per queue (a lease in the queue document),
 * one delivery at a time per queue (so in order per bot), many queues at once (so a slow endpoint
 * delays only its own bot). A delivery leaves its queue only in the write that records its outcome
 * (a few at a time: RECORD_EVERY_MS), so a replica stopping before that leaves it (and those made
 * since the last record) for the next lease holder: at least once.
 */
@Injectable()
export class DeliveryDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryDispatcher.name);
  private readonly owner = `${hostname()}/${randomUUID()}`;
  private readonly active = new Map<string, Drain>();
  private sweepTimer?: NodeJS.Timeout;
  private sweepFailing = false;
  private stopping = false;

  constructor(
    private readonly repository: DeliveriesRepository,
    private readonly sender: BotEventSender,
    private readonly metrics: DeliveriesMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduleSweep();
  }

  /** Before MongoDB and Kafka disconnect: each drain stops after its current delivery, records its outcome and releases its lease. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.sweepTimer);
    for (const drain of this.active.values()) drain.nudge();
    await Promise.all([...this.active.values()].map(({ done }) => done));
  }

  /**
   * Starts draining the queue here unless this replica already is (then the drain reads the queue
   * again), or is at its limit (then drains waiting for more give their places up, and a sweep
   * takes the queue up later). `queuedHere`: this replica's consumer just queued for it.
   */
  wake(queueId: string, queuedHere = false): void {
    if (this.stopping) return;
    const active = this.active.get(queueId);
    if (active) {
      active.woken = true;
      active.fedHere ||= queuedHere;
      active.nudge();
      return;
    }
    if (this.active.size >= MAX_ACTIVE_QUEUES) {
      for (const drain of this.active.values()) drain.nudge();
      return;
    }
    const drain = new Drain(queuedHere);
    drain.done = this.drain(queueId, drain)
      .catch((error: Error) => this.logger.warn(`delivery queue left for a later sweep: ${error.message}`))
      .finally(() => {
        this.active.delete(queueId);
        // Woken after its last read: drained once more, so a request never waits for the sweep.
        if (drain.woken) this.wake(queueId, drain.fedHere);
      });
    this.active.set(queueId, drain);
  }

  /**
   * Delivers the queue's events one at a time while the outcomes of those before are recorded (one
   * write at a time, in order), each record answering the queue's next deliveries: neither holds up
   * the next POST while the page in hand lasts. Once the queue is sent, the drain waits for more
   * (a wake from this replica's consumer, then one read) until its outcomes are due to be
   * recorded, if that consumer is what queues for it (no wake comes for another's), so a bot receiving a stream costs a read per batch queued, not a lease. A lost lease
   * is noticed at the next record, and the drain stops there; it ends with a release that applies
   * only to an empty queue.
   */
  private async drain(queueId: string, drain: Drain): Promise<void> {
    let page = await this.repository.claim(queueId, this.owner, LEASE_MS, 2 * PAGE_SIZE);
    if (page === null) return;
    /** Sent and not yet recorded when the page in hand was read or answered (it still holds them), and sent since. */
    const sent = new Set<string>();
    let finished: Finished[] = [];
    let recording: Promise<Delivery[] | null> | undefined;
    let recordedAt = performance.now();
    const due = () => finished.length >= PAGE_SIZE || performance.now() - recordedAt >= RECORD_EVERY_MS;
    /** Starts recording what is finished, once the record before is done (unless that one lost the lease). */
    const record = () => {
      const these = finished;
      const before = recording;
      recording = background((async () => ((await before) === null ? null : this.record(queueId, these)))());
      finished = [];
      recordedAt = performance.now();
    };
    let released = false;
    try {
      while (!this.stopping) {
        const next = page.find(({ id }) => !sent.has(id));
        if (next) {
          sent.add(next.id);
          finished.push({ delivery: next, outcome: await this.sender.send(next), at: new Date() });
          if (due()) record();
          continue;
        }
        // The page in hand is sent: the page the record under way answers, or a read if woken
        // meanwhile, or a wait for a wake until the outcomes are due, or a record now, or the end.
        if (recording) {
          const recorded = await recording;
          recording = undefined;
          if (recorded === null) return;
          page = recorded;
          sent.clear();
          for (const { delivery } of finished) sent.add(delivery.id);
          continue;
        }
        // Only for a queue this replica's consumer feeds: no wake comes for what another replica queues.
        if (drain.fedHere && !drain.woken && finished.length > 0 && !due() && this.active.size < MAX_ACTIVE_QUEUES) {
          await drain.waitForNudge(RECORD_EVERY_MS - (performance.now() - recordedAt));
        }
        if (drain.woken && !this.stopping) {
          drain.woken = false;
          const read = await this.repository.read(queueId, this.owner, 2 * PAGE_SIZE);
          if (read === null) return;
          page = read;
          continue;
        }
        if (finished.length > 0) {
          record();
          continue;
        }
        if ((released = await this.repository.releaseIfEmpty(queueId, this.owner))) return;
        const read = await this.repository.read(queueId, this.owner, 2 * PAGE_SIZE);
        if (read === null) return;
        page = read;
      }
      // Stopping: what was sent is recorded before the lease goes.
      if (finished.length > 0) record();
    } finally {
      try {
        await recording;
      } finally {
        if (!released) await this.repository.release(queueId, this.owner).catch(() => undefined);
      }
    }
  }

  /**
   * Records the outcomes of the queue's deliveries just made; answers the queue's first deliveries
   * after them, or null if the lease was lost (another replica took the queue over, as this one
   * stalled: it delivers them again).
   */
  private async record(queueId: string, finished: Finished[]): Promise<Delivery[] | null> {
    const events = finished.map(({ delivery, outcome, at }) => deliveryOutcomeEvent(delivery, outcome, at));
    const deliveries = finished.map(({ delivery }) => delivery);
    const page = await this.repository.finish(queueId, this.owner, LEASE_MS, deliveries, events, 2 * PAGE_SIZE);
    if (page !== null) for (const { outcome } of finished) this.metrics.finished(outcome);
    return page;
  }

  private scheduleSweep(): void {
    this.sweepTimer = setTimeout(() => {
      void this.sweep().finally(() => {
        if (!this.stopping) this.scheduleSweep();
      });
    }, SWEEP_MS);
  }

  private async sweep(): Promise<void> {
    try {
      for (const queueId of await this.repository.queuesWithWork(MAX_ACTIVE_QUEUES * 2)) this.wake(queueId);
      this.sweepFailing = false;
    } catch (error) {
      // Once per outage, not every second of it.
      if (!this.sweepFailing) this.logger.warn(`cannot look for delivery queues: ${(error as Error).message}`);
      this.sweepFailing = true;
    }
  }
}
