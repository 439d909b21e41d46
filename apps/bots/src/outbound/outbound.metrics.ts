import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@rekey/platform';
import { Counter, Histogram, Registry } from 'prom-client';
import { OutboundResult } from './outbound-client';

/** Why a POST to a bot's endpoint was made. */
export type OutboundPurpose = 'endpoint-check' | 'event';

/** A bounded label for what a POST came to: the status class, or why there was no answer. */
export function resultLabel(result: OutboundResult): string {
  return result.outcome === 'answered' ? `${Math.floor(result.status / 100)}xx` : result.outcome;
}

/** Calls to bots' endpoints. Labels are bounded: no URL, host, bot id or token. */
@Injectable()
export class OutboundMetrics {
  private readonly attempts: Histogram<'purpose' | 'result'>;
  private readonly endpointChecks: Counter<'outcome'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.attempts = new Histogram({
      name: 'rekey_bot_outbound_attempt_duration_seconds',
      help: "Time of one signed POST to a bot's endpoint, by purpose (endpoint-check, event) and result (status class, timeout, unreachable, refused)",
      labelNames: ['purpose', 'result'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2],
      registers: [registry],
    });
    this.endpointChecks = new Counter({
      name: 'rekey_bot_endpoint_checks_total',
      help: 'PutEventsConfiguration endpoint checks (HTTPSEndpointVerification), by outcome (passed, failed)',
      labelNames: ['outcome'],
      registers: [registry],
    });
  }

  attempt(purpose: OutboundPurpose, result: OutboundResult, seconds: number): void {
    this.attempts.observe({ purpose, result: resultLabel(result) }, seconds);
  }

  endpointCheck(passed: boolean): void {
    this.endpointChecks.inc({ outcome: passed ? 'passed' : 'failed' });
  }
}
