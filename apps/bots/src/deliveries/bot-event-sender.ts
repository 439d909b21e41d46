import { Injectable } from '@nestjs/common';
import { DeliveryFailureReason } from '@rekey/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { OutboundResult } from '../outbound/outbound-client';
import { SignedPoster } from '../outbound/signed-poster';
import { DeliveryRequest } from './deliveries.repository';
import { DeliveryTargets } from '../delivery-targets/delivery-targets';

/** Chime's retry policy (auth-bots.md): after a timeout or a 5xx, again 200 ms later, then 400 ms after that; three attempts in all. */
export const RETRY_DELAYS_MS = [200, 400];

export type DeliveryOutcome = { delivered: true; status: number; attempts: number } | { delivered: false; reason: DeliveryFailureReason; status: number | null; attempts: number };

/** Whether Chime tries again after this: no answer in time, or a server error. */
const retryable = (result: OutboundResult) => result.outcome === 'timeout' || result.outcome === 'unreachable' || (result.outcome === 'answered' && result.status >= 500);

function failureOf(result: OutboundResult, attempts: number): DeliveryOutcome {
  switch (result.outcome) {
    case 'answered':
      return { delivered: false, reason: result.status >= 500 ? 'ServerError' : 'Rejected', status: result.status, attempts };
    case 'timeout':
      return { delivered: false, reason: 'Timeout', status: null, attempts };
    case 'unreachable':
      return { delivered: false, reason: 'Unreachable', status: null, attempts };
    case 'refused':
      return { delivered: false, reason: 'EndpointNotAllowed', status: null, attempts };
  }
}

/**
 * Sends one queued event to its bot as Chime does. Each attempt first takes the bot's state (token,
 * endpoint, Disabled) from {@link DeliveryTargets}, so a rotation, a new endpoint or a disabling
 * applies from the next attempt on (see there how soon on each replica), and signs with a fresh
 * timestamp.
 */
@Injectable()
export class BotEventSender {
  constructor(
    private readonly targets: DeliveryTargets,
    private readonly poster: SignedPoster,
  ) {}

  async send(delivery: DeliveryRequest): Promise<DeliveryOutcome> {
    for (let attempt = 1; ; attempt += 1) {
      const target = await this.targets.target(delivery);
      const notSent = (reason: DeliveryFailureReason): DeliveryOutcome => ({ delivered: false, reason, status: null, attempts: attempt - 1 });
      if (!target) return notSent('BotNotFound');
      if (target.disabled) return notSent('BotDisabled');
      if (!target.endpoint) return notSent('NoEndpoint');
      const result = await this.poster.post('event', target.endpoint, target.securityToken, delivery.body);
      if (result.outcome === 'answered' && result.status >= 200 && result.status < 300) return { delivered: true, status: result.status, attempts: attempt };
      if (!retryable(result) || attempt > RETRY_DELAYS_MS.length) return failureOf(result, attempt);
      await sleep(RETRY_DELAYS_MS[attempt - 1]);
    }
  }
}
