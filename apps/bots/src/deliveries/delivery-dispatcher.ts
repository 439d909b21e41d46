import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PeriodicTask } from '@rekey/platform';
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
/** Deliveries of a queue read at once. */
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

/** A delivery made and its outcome, not yet recorded. */
interface Finished {
  delivery: Delivery;
  outcome: DeliveryOutcome;
  at: Date;
}

/** A queue's next delivery, already being sent when it was queued (see {@link DeliveryDispatcher.handOver}). */
interface InFlight {
  delivery: Delivery;
  sending: Promise<DeliveryOutcome>;
}

/**
 * Drains bots' delivery queues: one replica at a time per queue (a lease in the queue document),
 * one delivery at a time per queue (so in order per bot), many queues at once (so a slow endpoint
 * delays only its own bot). A delivery is removed only in the write that records its outcome (a
 * few at a time: RECORD_EVERY_MS), so a replica stopping before that leaves it (and those made
 * since the last record) for the next lease holder: at least once.
 */
@Injectable()
export class DeliveryDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryDispatcher.name);
  private readonly owner = `${hostname()}/${randomUUID()}`;
  private readonly active = new Map<string, Promise<void>>();
  /** Queues woken while their drain was finishing here: drained once more, so a request never waits for the sweep. */
  private readonly wokenAgain = new Set<string>();
  private readonly sweeps = new PeriodicTask(this.logger, 'looking for delivery queues', () => this.sweep());
  private stopping = false;

  constructor(
    private readonly repository: DeliveriesRepository,
    private readonly sender: BotEventSender,
    private readonly metrics: DeliveriesMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeps.start(SWEEP_MS);
  }

  /** Before MongoDB and Kafka disconnect: each drain stops after its current delivery, records its outcome and releases its lease. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.sweeps.stop();
    await Promise.all(this.active.values());
  }

  /** Starts draining the queue here unless this replica already is, or is at its limit (a sweep takes it up later). */
  wake(queueId: string): void {
    if (this.stopping) return;
    if (this.active.has(queueId)) {
      this.wokenAgain.add(queueId);
      return;
    }
    if (this.active.size >= MAX_ACTIVE_QUEUES) return;
    this.start(queueId);
  }

  /**
   * Drains the queue of a delivery sent directly that was queued (as the queue's next) while still
   * in flight: the drain records its outcome before it sends the next, so the bot's order holds. If
   * another replica holds the queue, that one sends the delivery again (at least once).
   */
  handOver(delivery: Delivery, sending: Promise<DeliveryOutcome>): void {
    if (this.stopping) return;
    this.start(delivery.queueId, { delivery, sending });
  }

  /** Drains the queue, after its drain already running here if any. */
  private start(queueId: string, inFlight?: InFlight): void {
    const running = this.active.get(queueId) ?? Promise.resolve();
    const drain: Promise<void> = running
      .then(() => this.drain(queueId, inFlight))
      .catch((error: Error) => this.logger.warn(`delivery queue left for a later sweep: ${error.message}`))
      .finally(() => {
        if (this.active.get(queueId) === drain) this.active.delete(queueId);
        if (this.wokenAgain.delete(queueId)) this.wake(queueId);
      });
    this.active.set(queueId, drain);
  }

  /**
   * Delivers the queue's events one at a time while the outcomes of those before are recorded (one
   * write at a time, in order) and the next page is read: neither write nor read holds up the next
   * POST. A lost lease is noticed at the next record, and the drain stops there.
   */
  private async drain(queueId: string, inFlight?: InFlight): Promise<void> {
    const claimed = await this.repository.claim(queueId, this.owner, LEASE_MS);
    if (claimed === null) return;
    let recording = Promise.resolve(true);
    let finished: Finished[] = inFlight ? [{ delivery: inFlight.delivery, outcome: await inFlight.sending, at: new Date() }] : [];
    let recordedAt = performance.now();
    /** Starts recording what is finished once the record before is done; false if the lease was lost. */
    const recordFinished = async (): Promise<boolean> => {
      if (!(await recording)) return false;
      if (finished.length > 0) recording = background(this.record(finished));
      finished = [];
      recordedAt = performance.now();
      return true;
    };
    // Alongside the first read, which skips what it removes; one that fails is made again at the next claim.
    const purging = this.repository.purgeFinished(queueId, claimed).catch(() => undefined);
    try {
      let reading = this.repository.next(queueId, inFlight?.delivery.seq ?? claimed, PAGE_SIZE);
      while (!this.stopping) {
        const page = await reading;
        if (page.length === 0) break;
        const last = page[page.length - 1].seq;
        // A full page: the queue may hold more, read while this page is delivered; else read once it is.
        const full = page.length === PAGE_SIZE;
        if (full) reading = background(this.repository.next(queueId, last, PAGE_SIZE));
        for (const delivery of page) {
          if (this.stopping) break;
          finished.push({ delivery, outcome: await this.sender.send(delivery), at: new Date() });
          if (finished.length < PAGE_SIZE && performance.now() - recordedAt < RECORD_EVERY_MS) continue;
          if (!(await recordFinished())) return;
        }
        if (!full) reading = this.repository.next(queueId, last, PAGE_SIZE);
      }
      await recordFinished();
    } finally {
      // What was sent is recorded before the lease goes (also on shutdown); a failed record is the drain's failure.
      try {
        await recording;
      } finally {
        await purging;
        await this.repository.release(queueId, this.owner).catch(() => undefined);
      }
    }
  }

  /** Records the outcomes of the queue's deliveries just made; false if the lease was lost (another replica took the queue over, as this one stalled: it delivers them again). */
  private async record(finished: Finished[]): Promise<boolean> {
    const events = finished.map(({ delivery, outcome, at }) => deliveryOutcomeEvent(delivery, outcome, at));
    if (!(await this.repository.finish(finished.map(({ delivery }) => delivery), this.owner, LEASE_MS, events))) return false;
    for (const { outcome } of finished) this.metrics.finished(outcome);
    return true;
  }

  private async sweep(): Promise<void> {
    for (const queueId of await this.repository.queuesWithWork(MAX_ACTIVE_QUEUES * 2)) this.wake(queueId);
  }
}
