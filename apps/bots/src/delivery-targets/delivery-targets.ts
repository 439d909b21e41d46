import { Injectable } from '@nestjs/common';
import { BotChangeObserver, BotKey, DeliveryTarget } from '../bots/bots.service';
import { DeliveryTargetReads } from './delivery-target-reads';

/**
 * How long a bot read is used for, counted from the moment it was asked for: the bound on a change
 * whose event this replica has not consumed (Kafka away or behind, or an event missed while the
 * subscription joined).
 */
export const MAX_AGE_MS = 1_000;

/** A held bot older than this is read again in the background, so that a queue seldom waits for the read of its bot. */
const REFRESH_AFTER_MS = MAX_AGE_MS / 2;

/** Held bots past which a store first drops the expired ones (then past twice what is left). */
const PRUNE_FROM = 1_024;

interface Held {
  target: DeliveryTarget;
  /** When the read was asked for: the database state is at least this recent. */
  askedAt: number;
}

/** A read-through under way; not kept if the bot changed meanwhile. */
interface Reading {
  changed: boolean;
}

const idOf = ({ tenant, accountId, botId }: BotKey) => `${tenant}/${accountId}/${botId}`;

/**
 * What delivery attempts need of a bot (token, endpoint, Disabled), without a database read per
 * attempt: an in-process projection of the bots that have deliveries here, loaded on a miss
 * (through {@link DeliveryTargetReads}) and dropped on a change: at once for a change this replica
 * writes (BotsService tells it before answering), on consuming the bot's event for a change
 * another replica wrote (BotChangesController), and in any case MAX_AGE_MS after its read (it is
 * read again in the background from half that age on). A read that a change overtook answers its
 * attempt but is not kept. The database stays the only place a
 * token is stored: events carry fingerprints, so a change drops a bot rather than updating it.
 */
@Injectable()
export class DeliveryTargets implements BotChangeObserver {
  private readonly held = new Map<string, Held>();
  private readonly reading = new Map<string, Set<Reading>>();
  private pruneFrom = PRUNE_FROM;

  constructor(private readonly reads: DeliveryTargetReads) {}

  /** The bot's state for an attempt starting now; null if it does not exist or its account is not live. */
  async target(key: BotKey): Promise<DeliveryTarget | null> {
    const id = idOf(key);
    const held = this.held.get(id);
    const age = held ? performance.now() - held.askedAt : Number.POSITIVE_INFINITY;
    if (age >= MAX_AGE_MS) return this.readThrough(key, id);
    // A failed refresh is the next attempt's to see, once what is held expired.
    if (age >= REFRESH_AFTER_MS && !this.reading.has(id)) this.readThrough(key, id).catch(() => undefined);
    return held!.target;
  }

  private async readThrough(key: BotKey, id: string): Promise<DeliveryTarget | null> {
    const askedAt = performance.now();
    const reading: Reading = { changed: false };
    const readings = this.reading.get(id) ?? new Set<Reading>();
    this.reading.set(id, readings.add(reading));
    try {
      const target = await this.reads.read(key);
      if (!reading.changed) this.keep(id, target && { target, askedAt });
      return target;
    } finally {
      readings.delete(reading);
      if (readings.size === 0 && this.reading.get(id) === readings) this.reading.delete(id);
    }
  }

  /** A change of the bot (written here, or its event consumed): the next attempt reads it again. */
  botChanged(key: BotKey): void {
    const id = idOf(key);
    this.held.delete(id);
    this.overtakeReads(id);
  }

  /** The bot's token rotated to `generation` (TokenRotated): dropped unless what is held is already that new (read after the change here). */
  rotated(key: BotKey, generation: number): void {
    const id = idOf(key);
    if ((this.held.get(id)?.target.generation ?? 0) < generation) this.held.delete(id);
    this.overtakeReads(id);
  }

  /** The generation of the bot's token held here, expired or not (until a change drops it); undefined when none is. */
  heldGeneration(key: BotKey): number | undefined {
    return this.held.get(idOf(key))?.target.generation;
  }

  /** Reads of the bot under way may have read it before the change: they answer their attempts, and are not kept. */
  private overtakeReads(id: string): void {
    for (const reading of this.reading.get(id) ?? []) reading.changed = true;
  }

  private keep(id: string, held: Held | null): void {
    if (!held) {
      this.held.delete(id);
      return;
    }
    this.held.set(id, held);
    if (this.held.size < this.pruneFrom) return;
    const expiredBefore = performance.now() - MAX_AGE_MS;
    for (const [other, { askedAt }] of this.held) if (askedAt <= expiredBefore) this.held.delete(other);
    this.pruneFrom = Math.max(PRUNE_FROM, this.held.size * 2);
  }
}
