import type { ThrottleLimits } from '@rekey/platform';

/** Where replicas add up what each admitted: one shared counter per key and one-second window. */
export interface ThrottleCounterStore {
  /** Adds `delta` to the counter of `key` in `window` (epoch second) and returns the new total of all replicas. */
  add(key: string, window: number, delta: number): Promise<number>;
}

interface WindowState {
  window: number;
  /** Admitted here and already added to the store. */
  flushed: number;
  /** Admitted here since the last reconciliation. */
  unflushed: number;
  /** Admitted by the other replicas, as of the last reconciliation. */
  others: number;
}

/** How often each replica runs {@link RequestThrottle.reconcile}: the replicas together can overshoot a limit by what they admit in between. */
export const THROTTLE_RECONCILE_MS = 250;

export interface AdmitResult {
  admitted: boolean;
  limit: number;
}

/**
 * Per-tenant, per-operation rate limit shared by every replica, without a database round trip per
 * request: each replica admits against its own count plus the other replicas' counts as last read,
 * and {@link reconcile} (every few hundred milliseconds) adds its new admissions to a shared counter
 * per one-second window and reads back everyone's total. Between two reconciliations the replicas
 * can together overshoot by what they admit in that interval; that is the price of the fast path.
 */
export class RequestThrottle {
  private readonly states = new Map<string, WindowState>();

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly store: ThrottleCounterStore,
    private readonly now: () => number = Date.now,
  ) {}

  admit(tenant: string, operation: string): AdmitResult {
    const limit = this.limits.perOperation[operation] ?? this.limits.defaultPerSecond;
    return { admitted: this.admitKey(`${tenant}|${operation}`, limit), limit };
  }

  /** Admits one more under `key` if fewer than `limit` were admitted this second (e.g. a chat room's message rate). */
  admitKey(key: string, limit: number): boolean {
    const state = this.current(key);
    if (state.others + state.flushed + state.unflushed >= limit) return false;
    state.unflushed += 1;
    return true;
  }

  /** Publishes this replica's new admissions and learns the others' for the keys it serves; forgets windows that are over. */
  async reconcile(): Promise<void> {
    const window = this.windowNow();
    const pending: Promise<void>[] = [];
    for (const [key, state] of this.states) {
      if (state.window < window - 1) {
        this.states.delete(key);
        continue;
      }
      // A key of the current window is read even with nothing to add: the others may have admitted meanwhile.
      if (state.unflushed === 0 && state.window !== window) continue;
      const delta = state.unflushed;
      state.unflushed = 0;
      state.flushed += delta;
      pending.push(
        this.store.add(key, state.window, delta).then(
          (total) => void (state.others = Math.max(state.others, total - state.flushed)),
          (error: unknown) => {
            // Not added: count it again next time, and meanwhile limit on what this replica knows.
            state.flushed -= delta;
            state.unflushed += delta;
            throw error;
          },
        ),
      );
    }
    const failures = (await Promise.allSettled(pending)).filter((r) => r.status === 'rejected');
    if (failures.length > 0) throw (failures[0] as PromiseRejectedResult).reason;
  }

  private current(key: string): WindowState {
    const window = this.windowNow();
    let state = this.states.get(key);
    if (state === undefined || state.window !== window) {
      state = { window, flushed: 0, unflushed: 0, others: 0 };
      this.states.set(key, state);
    }
    return state;
  }

  private windowNow(): number {
    return Math.floor(this.now() / 1000);
  }
}
