import { Injectable } from '@nestjs/common';

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
 */
@Injectable()
export class OffsetOrder {
  /** Per partition: the offset following the last one delivered here. */
  private readonly next = new Map<number, bigint>();
  /** Per partition: offsets delivered at their acknowledgement that the consumer has not reached yet, ascending. */
  private readonly early = new Map<number, bigint[]>();

  /** After Kafka acknowledged a publish of this replica: delivers it now if it is next on its partition, else leaves it to the consumer. */
  acknowledged({ partition, offset }: TopicPosition, deliver: () => void): void {
    const at = BigInt(offset);
    if (this.next.get(partition) !== at) return;
    deliver();
    this.next.set(partition, at + 1n);
    const early = this.early.get(partition);
    if (early) early.push(at);
    else this.early.set(partition, [at]);
  }

  /** An event as the consumer reads it: delivered unless it already was at its acknowledgement. */
  consumed({ partition, offset }: TopicPosition, deliver: () => void): void {
    const at = BigInt(offset);
    const early = this.early.get(partition) ?? [];
    // Below `at`: delivered early, yet the consumer never handed it over (a payload it refused, say).
    while (early.length > 0 && early[0] < at) early.shift();
    if (early[0] === at) early.shift();
    else deliver();
    if ((this.next.get(partition) ?? -1n) <= at) this.next.set(partition, at + 1n);
  }
}
