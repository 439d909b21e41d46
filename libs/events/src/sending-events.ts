import { RekeyEvent } from './event';

/** How long a published event's id is remembered: longer than any read of an outbox can be stale. */
const REMEMBER_SENT_MS = 60_000;

/**
 * The events this process is sending or has just sent, shared by the relay and the requests'
 * fast path, so that each outbox entry goes out once: whoever reads an outbox takes only the
 * entries nobody here is sending or has sent (a read may predate another sender's removal of what
 * it published). Across replicas the outbox claims do this job.
 */
export class SendingEvents {
  private readonly sending = new Set<string>();
  /** Id → when to forget it, in insertion (so expiry) order. */
  private readonly sent = new Map<string, number>();

  /** Marks the events nobody here is sending or has sent as being sent by the caller, and returns them in order. */
  take(events: RekeyEvent[]): RekeyEvent[] {
    this.forgetExpired();
    const taken = events.filter((event) => !this.sending.has(event.id) && !this.sent.has(event.id));
    for (const event of taken) this.sending.add(event.id);
    return taken;
  }

  /** Whether this process published the event lately (its entry may still await removal). */
  wasSent(event: RekeyEvent): boolean {
    return this.sent.has(event.id);
  }

  /** The caller is done with events it took: published (remembered for a while) or given up (free for others). */
  release(events: RekeyEvent[], published: boolean): void {
    const forgetAt = Date.now() + REMEMBER_SENT_MS;
    for (const event of events) {
      this.sending.delete(event.id);
      if (published) this.sent.set(event.id, forgetAt);
    }
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [id, forgetAt] of this.sent) {
      if (forgetAt > now) return;
      this.sent.delete(id);
    }
  }
}
