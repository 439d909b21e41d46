import { withDeadline } from '@rekey/platform';
import { StringIdDocument } from './driver-collection';
import { OUTBOX } from './outbox';

/** Documents remembered per collection: a bounded memory (about a few MB), the least recently written forgotten first. */
const MAX_KNOWN = 4_096;
/**
 * A change waits this long at most for the one before it: a write takes milliseconds, so only a
 * database in trouble makes a change wait that long, and then waiting in line would add each
 * change's timeout to the next one's (they race as plain compare-and-sets instead).
 */
const MAX_TURN_WAIT_MS = 250;

interface Known<T> {
  doc: T;
  /** Whether the last change here found the document as this process had left it: worth writing on without reading. */
  trusted: boolean;
}

/**
 * The documents of one collection as this process's compare-and-set last wrote them, so that the
 * next change of the same document can write on them without reading first (one round trip
 * instead of two). Only a guess: the write stays conditional on the version, so a document someone
 * else changed is simply missed and read. A document another replica keeps changing stops being
 * guessed (a missed guess costs a round trip) until a change finds it as this process left it.
 * Changes of one document here take turns, up to their write.
 */
export class KnownDocuments<T extends StringIdDocument> {
  private readonly known = new Map<string, Known<T>>();
  /** Per document, the end of the last turn taken. */
  private readonly turns = new Map<string, Promise<void>>();

  constructor(private readonly version: string) {}

  /**
   * Waits until the changes of this document begun here before have written (or given up, or took
   * too long: {@link MAX_TURN_WAIT_MS}), and
   * resolves to the end of this change's turn: so that changes here follow one another, each
   * writing on the state the previous one wrote, rather than racing and missing.
   */
  async turn(id: unknown): Promise<() => void> {
    if (typeof id !== 'string') return () => undefined;
    const previous = this.turns.get(id);
    let leave!: () => void;
    const mine = new Promise<void>((resolve) => (leave = resolve));
    this.turns.set(id, mine);
    if (previous) await withDeadline(previous, MAX_TURN_WAIT_MS).catch(() => undefined);
    return () => {
      leave();
      if (this.turns.get(id) === mine) this.turns.delete(id);
    };
  }

  /** The document as last written here, if trusted and it meets the filter's plain equalities (tenant, account...). */
  guess(filter: Record<string, unknown>): T | undefined {
    const known = typeof filter._id === 'string' ? this.known.get(filter._id) : undefined;
    if (!known?.trusted) return undefined;
    const meets = Object.entries(filter).every(([field, value]) => (typeof value === 'object' && value !== null) || known.doc[field] === value);
    return meets ? known.doc : undefined;
  }

  /**
   * After a change wrote `set` and `unset` on `current` (whose version it bumped). `guessed`: it
   * wrote on a guess, or read `current` and can tell whether a guess would have been right.
   */
  written(current: T, set: Record<string, unknown>, unset: string[], guessed: boolean): void {
    const id = current._id;
    const before = this.known.get(id);
    // A concurrent change here wrote a later version first: keep that.
    if (before && (before.doc[this.version] as number) > (set[this.version] as number)) return;
    this.known.delete(id);
    // A deletion, or a field path this memory cannot apply: nothing worth remembering.
    if (OUTBOX.deletedAt in set || Object.keys(set).some((field) => field.includes('.'))) return;
    const doc = { ...current, ...set };
    for (const field of unset) delete doc[field];
    const trusted = guessed || !before || before.doc[this.version] === current[this.version];
    // Re-inserted, so that the Map's order is the order of last writes.
    this.known.set(id, { doc, trusted });
    if (this.known.size > MAX_KNOWN) this.known.delete(this.known.keys().next().value!);
  }

  /** The document is gone (no live document matched). */
  forget(id: unknown): void {
    if (typeof id === 'string') this.known.delete(id);
  }
}
