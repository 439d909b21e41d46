import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@rekey/platform';
import { Counter, Registry } from 'prom-client';
import { DeliveryOutcome } from './bot-event-sender';

/** Finished deliveries. Labels are bounded: no bot id, endpoint, body or token. */
@Injectable()
export class DeliveriesMetrics {
  private readonly deliveries: Counter<'outcome' | 'reason'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.deliveries = new Counter({
      name: 'rekey_bot_deliveries_total',
      help: 'Bot event deliveries finished, by outcome (delivered, failed) and failure reason (none when delivered)',
      labelNames: ['outcome', 'reason'],
      registers: [registry],
    });
  }

  finished(outcome: DeliveryOutcome): void {
    this.deliveries.inc(outcome.delivered ? { outcome: 'delivered', reason: 'none' } : { outcome: 'failed', reason: outcome.reason });
  }
}
