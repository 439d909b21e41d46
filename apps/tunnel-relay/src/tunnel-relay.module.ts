import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { PEER_MODEL, PeerSchema } from './peers/peer.schema';
import { PeerLeases } from './peers/peer-leases';
import { PeersRepository } from './peers/peers.repository';
import { ProjectionHealth } from './projection/projection.health';
import { TunnelProjection } from './projection/tunnel-projection.service';
import { TUNNEL_VIEW_MODEL, TunnelViewSchema } from './projection/tunnel-view.schema';
import { TunnelViewsRepository } from './projection/tunnel-views.repository';
import { TunnelsFeedController } from './projection/tunnels-feed.controller';
import { RelayMetrics } from './relay.metrics';
import { AdmissionService } from './sessions/admission.service';
import { RelayServer } from './sessions/relay-server';
import { ReplicaLinks } from './sessions/replica-links';
import { SessionRegistry } from './sessions/session-registry';
import { PeerEvents } from './tunnel-relay.events';

/** The Secure Tunneling data plane: the projection of the tunnels topic, admission, sessions, replica links, peer events. */
@Global()
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: TUNNEL_VIEW_MODEL, schema: TunnelViewSchema },
      { name: PEER_MODEL, schema: PeerSchema },
    ]),
  ],
  controllers: [TunnelsFeedController],
  providers: [
    TunnelViewsRepository,
    TunnelProjection,
    ProjectionHealth,
    PeersRepository,
    PeerEvents,
    PeerLeases,
    RelayMetrics,
    AdmissionService,
    SessionRegistry,
    RelayServer,
    ReplicaLinks,
  ],
  exports: [TunnelViewsRepository],
})
export class TunnelRelayModule {}
