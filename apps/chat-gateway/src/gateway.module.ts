import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EventsModule } from '@rekey/events';
import { PlatformModule, RekeyConfig } from '@rekey/platform';
import { TokensModule } from '@rekey/tokens';
import { GatewayMetrics } from './gateway.metrics';
import { LiveEventsController } from './projection/live-events.controller';
import { ProjectionReadiness, ROOM_PROJECTION_GROUP } from './projection/projection-readiness';
import { roomProjectionController, roomProjectionGroup } from './projection/room-projection.controller';
import { RoomProjection } from './projection/room-projection.service';
import { RoomsRepository } from './projection/rooms.repository';
import { AdmissionService } from './sessions/admission.service';
import { ChatSocketServer } from './sessions/chat-socket.server';
import { ClientRequestsService } from './sessions/client-requests.service';
import { ConnectionRegistry } from './sessions/connection-registry';
import { OffsetOrder } from './sessions/offset-order';
import { RoomDelivery } from './sessions/room-delivery.service';
import { TokenUsesRepository } from './sessions/token-uses.repository';

/** The IVS Chat messaging gateway: WebSocket sessions, the room projection, fan-out between replicas. */
@Module({})
export class ChatGatewayAppModule {
  static register(config: RekeyConfig): DynamicModule {
    const durableGroup = roomProjectionGroup(config.mongoUri);
    return {
      module: ChatGatewayAppModule,
      imports: [PlatformModule.forRoot(config), TerminusModule, TokensModule, EventsModule.forRoot({ app: 'chat-gateway' })],
      controllers: [LiveEventsController, roomProjectionController(durableGroup)],
      providers: [
        { provide: ROOM_PROJECTION_GROUP, useValue: durableGroup },
        GatewayMetrics,
        RoomsRepository,
        RoomProjection,
        ProjectionReadiness,
        TokenUsesRepository,
        AdmissionService,
        ConnectionRegistry,
        ClientRequestsService,
        RoomDelivery,
        OffsetOrder,
        ChatSocketServer,
      ],
    };
  }
}
