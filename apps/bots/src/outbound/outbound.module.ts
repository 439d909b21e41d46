import { Module } from '@nestjs/common';
import { REKEY_CONFIG, RekeyConfig } from '@rekey/platform';
import { EndpointVerifier } from './endpoint-verifier';
import { OutboundClient } from './outbound-client';
import { OutboundMetrics } from './outbound.metrics';
import { SignedPoster } from './signed-poster';

/** Signed POSTs to bots' own endpoints (Chime's outgoing events) and the endpoint check. */
@Module({
  providers: [
    {
      provide: OutboundClient,
      inject: [REKEY_CONFIG],
      useFactory: (config: RekeyConfig) => new OutboundClient({ production: config.production, caFile: config.botsOutbound.caFile, allowedNetworks: config.botsOutbound.allowedNetworks }),
    },
    OutboundMetrics,
    SignedPoster,
    EndpointVerifier,
  ],
  exports: [SignedPoster, EndpointVerifier],
})
export class OutboundModule {}
