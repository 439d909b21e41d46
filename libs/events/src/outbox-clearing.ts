import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import { StringIdDocument } from './driver-collection';
import { RekeyEvent } from './event';
import { JoiningQueue } from './joining-queue';
import { OUTBOX, UNCLAIM } from './outbox';

/** Bulk writes stay well under the server's batch limits. */
const MAX_PER_WRITE = 500;

interface Clearing {
  id: string;
  claimId: string;
  events: RekeyEvent[];
  purge: boolean;
  settle: (cleared: boolean) => void;
  fail: (error: unknown) => void;
}

/**
 * Clears published outboxes of one collection, many per round trip (a JoiningQueue of bulk writes). A clearing applies only if the document is still
 * claimed by the publisher and its outbox holds exactly the events published (else another write
 * came in between, and the caller hands over to the relay).
 */
export class OutboxClearing {
  private readonly clearings = new JoiningQueue<Clearing>(MAX_PER_WRITE, (batch) => this.clearTogether(batch));

  constructor(private readonly collection: Collection<StringIdDocument>) {}

  /** Resolves true once cleared (or, with `purge`, the document removed); false if the document changed meanwhile. */
  clear(id: string, claimId: string, events: RekeyEvent[], purge: boolean): Promise<boolean> {
    return new Promise((settle, fail) => this.clearings.push({ id, claimId, events, purge, settle, fail }));
  }

  private async clearTogether(batch: Clearing[]): Promise<void> {
    try {
      const result = await this.collection.bulkWrite(batch.map(operationOf), { ordered: false });
      if (result.matchedCount + result.deletedCount === batch.length) {
        for (const clearing of batch) clearing.settle(true);
      } else {
        await this.settleSeparately(batch);
      }
    } catch (error) {
      for (const clearing of batch) clearing.fail(error);
    }
  }

  /** Some did not apply: those still under their claim are the ones. */
  private async settleSeparately(batch: Clearing[]): Promise<void> {
    const stillClaimed = await this.collection
      .find({ _id: { $in: batch.map((c) => c.id) }, [OUTBOX.claimedBy]: { $in: batch.map((c) => c.claimId) } }, { projection: { [OUTBOX.claimedBy]: 1 } })
      .toArray();
    const unapplied = new Set(stillClaimed.map((doc) => doc[OUTBOX.claimedBy] as string));
    for (const clearing of batch) clearing.settle(!unapplied.has(clearing.claimId));
  }
}

function operationOf({ id, claimId, events, purge }: Clearing): AnyBulkWriteOperation<StringIdDocument> {
  const filter = { _id: id, [OUTBOX.claimedBy]: claimId, [OUTBOX.events]: events };
  if (purge) return { deleteOne: { filter } };
  const update = { $set: { [OUTBOX.events]: [], [OUTBOX.pending]: false }, ...UNCLAIM };
  return { updateOne: { filter, update } };
}
