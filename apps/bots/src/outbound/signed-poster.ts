import { Injectable } from '@nestjs/common';
import { signedHeaders } from './chime-signature';
import { OutboundClient, OutboundResult } from './outbound-client';
import { OutboundMetrics, OutboundPurpose } from './outbound.metrics';

/** One POST to a bot's endpoint as Chime makes it: the body signed with the token at the moment of sending. */
@Injectable()
export class SignedPoster {
  constructor(
    private readonly client: OutboundClient,
    private readonly metrics: OutboundMetrics,
  ) {}

  async post(purpose: OutboundPurpose, url: string, securityToken: string, body: string): Promise<OutboundResult> {
    const started = performance.now();
    const result = await this.client.post(url, body, signedHeaders(securityToken, body));
    this.metrics.attempt(purpose, result, (performance.now() - started) / 1000);
    return result;
  }

  /** Why `url` cannot be called at all (scheme, address), or null. */
  refusal(url: string): ReturnType<OutboundClient['refusal']> {
    return this.client.refusal(url);
  }
}
