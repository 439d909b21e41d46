import { Injectable } from '@nestjs/common';
import { ServiceError } from '@rekey/aws-protocol';
import { constantTimeEqual } from '@rekey/tokens';
import { randomBytes } from 'node:crypto';
import { OutboundResult } from './outbound-client';
import { OutboundMetrics } from './outbound.metrics';
import { SignedPoster } from './signed-poster';

/** Why an endpoint failed Chime's check (called on failures only), in words the caller can act on; no URL: the caller has it. */
function failureReason(result: OutboundResult): string {
  switch (result.outcome) {
    case 'refused':
      return result.code === 'SchemeNotAllowed' ? 'the endpoint must be an https:// URL' : result.code === 'AddressNotAllowed' ? 'the endpoint resolves to an address that is not allowed' : 'the endpoint is not a valid URL';
    case 'timeout':
      return 'the endpoint did not answer within 2 seconds';
    case 'unreachable':
      return `the endpoint could not be reached (${result.code})`;
    case 'answered':
      return result.status !== 200 ? `the endpoint answered HTTP ${result.status}, not 200` : 'the endpoint did not answer with the same Challenge';
  }
}

function echoesChallenge(body: Buffer, challenge: string): boolean {
  try {
    const answer = JSON.parse(body.toString('utf8')) as unknown;
    return typeof answer === 'object' && answer !== null && typeof (answer as { Challenge?: unknown }).Challenge === 'string' && constantTimeEqual((answer as { Challenge: string }).Challenge, challenge);
  } catch {
    return false;
  }
}

/**
 * Chime's check of an outgoing-events endpoint (config-endpoints.md): POST
 * `{"Challenge":"<random>","EventType":"HTTPSEndpointVerification"}`, signed like any event, and
 * expect 200 with JSON `{"Challenge":"<same>"}` within 2 s.
 */
@Injectable()
export class EndpointVerifier {
  constructor(
    private readonly poster: SignedPoster,
    private readonly metrics: OutboundMetrics,
  ) {}

  /** Throws a BadRequest-kind ServiceError unless `url` may be called at all. */
  assertCallable(url: string): void {
    const refusal = this.poster.refusal(url);
    if (refusal) throw new ServiceError('Validation', `OutboundEventsHTTPSEndpoint refused: ${failureReason({ outcome: 'refused', code: refusal })}`);
  }

  /** Resolves if the endpoint answered the challenge, else throws a BadRequest-kind ServiceError. */
  async verify(url: string, securityToken: string): Promise<void> {
    const challenge = randomBytes(10).toString('hex');
    const result = await this.poster.post('endpoint-check', url, securityToken, JSON.stringify({ Challenge: challenge, EventType: 'HTTPSEndpointVerification' }));
    const passed = result.outcome === 'answered' && result.status === 200 && echoesChallenge(result.body, challenge);
    this.metrics.endpointCheck(passed);
    if (!passed) throw new ServiceError('Validation', `OutboundEventsHTTPSEndpoint failed the HTTPSEndpointVerification check: ${failureReason(result)}`);
  }
}
