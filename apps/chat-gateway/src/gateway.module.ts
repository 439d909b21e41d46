import { DynamicModule, Module } from '@nestjs/common';
import { EventsModule } from '@rekey/events';
import { PlatformModule, RekeyConfig } from '@rekey/platform';
import { TokensModule } from '@rekey/tokens';
import { TerminusModule } from '@nestjs/terminus';
import { GatewayMetrics } from './gateway.metrics';
import { GatewaySubscriptions } from './projection/gateway-subscriptions';
import { RoomProjection } from './projection/room-projection.service';
import { RoomsRepository } from './projection/rooms.repository';
import { AdmissionService } from './sessions/admission.service';
import { ChatSocketServer } from './sessions/chat-socket.server';
import { ClientRequestsService } from './sessions/client-requests.service';
import { ConnectionRegistry } from './sessions/connection-registry';
import { RoomDelivery } from './sessions/room-delivery.service';
import { TokenUsesRepository } from './sessions/token-uses.repository';

/** The IVS Chat messaging gateway: WebSocket sessions, the room projection, fan-out between replicas. */
@Module({})
export class ChatGatewayAppModule {
  static register(config: RekeyConfig): DynamicModule {
    return {
      module: ChatGatewayAppModule,
      imports: [PlatformModule.forRoot(config), TerminusModule, TokensModule, EventsModule.forRoot({ app: 'chat-gateway' })],
      providers: [
        GatewayMetrics,
        RoomsRepository,
        RoomProjection,
        GatewaySubscriptions,
        TokenUsesRepository,
        AdmissionService,
        ConnectionRegistry,
        ClientRequestsService,
        RoomDelivery,
        ChatSocketServer,
      ],
    };
  }
}
