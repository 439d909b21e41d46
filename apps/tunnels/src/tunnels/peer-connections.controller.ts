import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { EVENT_TYPES, PeerConnectionData } from '@rekey/contracts';
import { EventSubscription } from '@rekey/events';
import { TunnelsRepository } from './tunnels.repository';

const PEER_CONNECTIONS: EventSubscription = { group: 'tunnels.peer-connections', fromBeginning: true };

/** DescribeTunnel's source/destinationConnectionState, from the relay's PeerConnected / PeerDisconnected. */
@Controller()
export class PeerConnectionsController {
  constructor(private readonly tunnels: TunnelsRepository) {}

  @EventPattern(EVENT_TYPES['tunnel-relay'].PeerConnected, PEER_CONNECTIONS)
  connected(@Payload() data: PeerConnectionData): Promise<void> {
    return this.tunnels.recordConnectionState(data.tunnelId, data.mode, { status: 'CONNECTED', lastUpdatedAt: new Date(data.at) });
  }

  @EventPattern(EVENT_TYPES['tunnel-relay'].PeerDisconnected, PEER_CONNECTIONS)
  disconnected(@Payload() data: PeerConnectionData): Promise<void> {
    return this.tunnels.recordConnectionState(data.tunnelId, data.mode, { status: 'DISCONNECTED', lastUpdatedAt: new Date(data.at) });
  }
}
