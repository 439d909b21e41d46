import { Injectable } from '@nestjs/common';

/** How long an acknowledged event waits for this replica's consumer to reach it. */
export const CONSUMER_WAIT_MS = 2_000;

/** An event's position in `rekey.chat.messages.v1`: as acknowledged (`EventPlacement`) or as consumed (`EventContext`). */
export interface TopicPosition {
  partition: number;
  offset: string;
}

/**
 * This replica's deliveries of `rekey.chat.messages.v1`, in the topic's offset order per
 * partition, from whichever comes first for each event: the acknowledgement of a publish made on
 * this replica, or this replica's consumer. An acknowledged event is delivered at once only when
 * the event just before it on its partition has been delivered here (then so has everything
 * before, since both paths go in offset order); otherwise the consumer delivers it in its turn.
 * The consumer skips what was delivered at its acknowledgement. See docs/chat-gateway.md.
 *
 * The delivery is the sender's answer, and the official client waits for it with no timeout of its
 * own: an acknowledged event the consumer has not reached within CONSUMER_WAIT_MS (a consumer
 * rejoining its group, an earlier event stored while its acknowledgement was lost) is delivered
 * anyway, and the consumer then delivers the ones before it late.
 */
@Injectable()
export class OffsetOrder {
  /** Per partition: the offset following the last one delivered here. */
  private readonly next = new Map<number, bigint>();
  /** Per partition: offsets delivered at their acknowledgement that the consumer has not reached yet, ascending. */
  private readonly early = new Map<number, bigint[]>();

  /**
   * After Kafka acknowledged a publish of this replica: delivers it now if it is next on its
   * partition, else leaves it to the consumer for up to CONSUMER_WAIT_MS.
   */
  acknowledged({ partition, offset }: TopicPosition, deliver: () => void): void {
    const at = BigInt(offset);
    if (this.next.get(partition) === at) {
      this.deliverEarly(partition, at, deliver);
      return;
    }
    if (this.deliveredHere(partition, at)) return;
    const waiting = setTimeout(() => {
      if (!this.deliveredHere(partition, at)) this.deliverEarly(partition, at, deliver);
    }, CONSUMER_WAIT_MS);
    waiting.unref();
  }

  /** An event as the consumer reads it: delivered unless it already was at its acknowledgement. */
  consumed({ partition, offset }: TopicPosition, deliver: () => void): void {
    const at = BigInt(offset);
    const early = this.early.get(partition) ?? [];
    // Below `at`: delivered early, yet the consumer never handed it over (a payload it refused, say).
    while (early.length > 0 && early[0] < at) early.shift();
    if (early[0] === at) early.shift();
    else deliver();
    if (!this.deliveredHere(partition, at)) this.next.set(partition, at + 1n);
  }

  /** Whether `at`, and so everything before it on the partition, has been delivered on this replica. */
  private deliveredHere(partition: number, at: bigint): boolean {
    return (this.next.get(partition) ?? -1n) > at;
  }

  /** Every offset delivered here so far is below `at`, so `early` stays ascending. */
  private deliverEarly(partition: number, at: bigint, deliver: () => void): void {
    deliver();
    this.next.set(partition, at + 1n);
    const early = this.early.get(partition);
    if (early) early.push(at);
    else this.early.set(partition, [at]);
  }
}
