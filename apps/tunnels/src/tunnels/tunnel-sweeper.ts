import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PeriodicTask } from '@rekey/platform';
import { Clock } from './clock';
import { TunnelEvents } from './tunnels.events';
import { TunnelsRepository } from './tunnels.repository';
import { RESERVATION_TTL_MS } from './tunnels.service';

const SWEEP_INTERVAL_MS = 30_000;
const BATCH = 100;

/**
 * Tidies up, never needed for correctness (expiry is computed at read time): marks open tunnels
 * past their end of life CLOSED and records TunnelClosed (reason EXPIRED), and drops reservations
 * of requests that died. Each close is conditional on the tunnel still being OPEN, so with many
 * replicas sweeping, and CloseTunnel racing them, exactly one writer records the event.
 */
@Injectable()
export class TunnelSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly sweeps = new PeriodicTask(new Logger(TunnelSweeper.name), 'tunnel sweep', () => this.pass());

  constructor(
    private readonly tunnels: TunnelsRepository,
    private readonly events: TunnelEvents,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeps.start(SWEEP_INTERVAL_MS);
  }

  /** Stops before the outbox's final flush, so no sweep records an event after it. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.sweeps.stop();
  }

  /** One pass (or the one running); resolves with the number of tunnels this replica closed. */
  sweep(): Promise<number> {
    return this.sweeps.run();
  }

  private async pass(): Promise<number> {
    const now = this.clock.now();
    await this.tunnels.purgeReservations(new Date(now.getTime() - RESERVATION_TTL_MS));
    let closed = 0;
    for (const tunnel of await this.tunnels.findExpired(now, BATCH)) {
      const event = this.events.closed(tunnel, { reason: 'EXPIRED', deleted: false, closedAt: tunnel.expiresAt });
      const changes = { closedAt: tunnel.expiresAt, closeReason: 'EXPIRED' as const, lastUpdatedAt: now, deleted: false };
      if (await this.tunnels.closeIfOpen(tunnel.tenant, tunnel.id, changes, event)) closed += 1;
    }
    return closed;
  }
}
