import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { BotEventSender } from './bot-event-sender';
import { deliveryOutcomeEvent } from './deliveries.events';
import { DeliveriesMetrics } from './deliveries.metrics';
import { DeliveriesRepository } from './deliveries.repository';

/** A queue's lease outlives one delivery (three 2 s attempts and the 600 ms between them) many times over; it is renewed with each. */
const LEASE_MS = 30_000;
/** How often a replica looks for queues nobody is draining (work left by a replica that stopped, or missed by a wake-up). */
const SWEEP_MS = 1_000;
/** Queues one replica drains at once: a slow endpoint holds one of these, not the others. */
const MAX_ACTIVE_QUEUES = 64;

/**
 * Drains bots' delivery queues: one replica at a time per queue (a lease in the queue document),
 * one delivery at a time per queue (so in order per bot), many queues at once (so a slow endpoint
 * delays only its own bot). A delivery is removed only in the write that records its outcome, so
 * a replica stopping mid-delivery leaves it for the next lease holder: at least once.
 */
@Injectable()
export class DeliveryDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryDispatcher.name);
  private readonly owner = `${hostname()}/${randomUUID()}`;
  private readonly active = new Map<string, Promise<void>>();
  /** Queues woken while their drain was finishing here: drained once more, so a request never waits for the sweep. */
  private readonly wokenAgain = new Set<string>();
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
    const drain = this.drain(queueId)
      .catch((error: Error) => this.logger.warn(`delivery queue left for a later sweep: ${error.message}`))
      .finally(() => {
        this.active.delete(queueId);
        if (this.wokenAgain.delete(queueId)) this.wake(queueId);
      });
    this.active.set(queueId, drain);
  }

  private async drain(queueId: string): Promise<void> {
    let doneSeq = await this.repository.claim(queueId, this.owner, LEASE_MS);
    if (doneSeq === null) return;
    try {
      await this.repository.purgeFinished(queueId, doneSeq);
      while (!this.stopping) {
        const delivery = await this.repository.next(queueId, doneSeq);
        if (!delivery) return;
        const outcome = await this.sender.send(delivery);
        // A lost lease means another replica took the queue over (this one stalled): it delivers again.
        if (!(await this.repository.finish(delivery, this.owner, LEASE_MS, deliveryOutcomeEvent(delivery, outcome, new Date())))) return;
        this.metrics.finished(outcome);
        doneSeq = delivery.seq;
      }
    } finally {
      await this.repository.release(queueId, this.owner).catch(() => undefined);
    }
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
