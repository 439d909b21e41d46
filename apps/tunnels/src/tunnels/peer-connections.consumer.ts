import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_TYPES, PeerConnectionData, TOPICS } from '@rekey/contracts';
import { EventSubscriber, ReceivedEvent } from '@rekey/events';
import { TunnelsRepository } from './tunnels.repository';

/** Consumer group of the tunnels app on rekey.tunnel-relay.v1. */
export const PEER_CONNECTIONS_GROUP = 'tunnels.peer-connections';

/** DescribeTunnel's source/destinationConnectionState, from the relay's PeerConnected / PeerDisconnected. */
@Injectable()
export class PeerConnectionsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly subscriber: EventSubscriber,
    private readonly tunnels: TunnelsRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.subscriber.subscribeInBackground({ groupId: PEER_CONNECTIONS_GROUP, topics: [TOPICS['tunnel-relay']], fromBeginning: true, handle: (event) => this.apply(event) });
  }

  async apply(event: ReceivedEvent): Promise<void> {
    const connected = event.type === EVENT_TYPES.tunnelRelay.PeerConnected;
    if (!connected && event.type !== EVENT_TYPES.tunnelRelay.PeerDisconnected) return;
    const data = event.data as PeerConnectionData;
    await this.tunnels.recordConnectionState(data.tunnelId, data.mode, { status: connected ? 'CONNECTED' : 'DISCONNECTED', lastUpdatedAt: new Date(data.at) });
  }
}
