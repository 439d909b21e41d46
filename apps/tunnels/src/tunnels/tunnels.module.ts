import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Clock } from './clock';
import { PeerConnectionsController } from './peer-connections.controller';
import { TUNNEL_MODEL, TunnelSchema } from './tunnel.schema';
import { TunnelSweeper } from './tunnel-sweeper';
import { TunnelsController } from './tunnels.controller';
import { TunnelEvents } from './tunnels.events';
import { TunnelsRepository } from './tunnels.repository';
import { TunnelsService } from './tunnels.service';

/** IoT Secure Tunneling: the API, the expiry sweeper, and the connection states the relay reports. */
@Module({
  imports: [MongooseModule.forFeature([{ name: TUNNEL_MODEL, schema: TunnelSchema }])],
  controllers: [TunnelsController, PeerConnectionsController],
  providers: [
    Clock,
    TunnelsRepository,
    TunnelEvents,
    TunnelsService,
    TunnelSweeper,
  ],
})
export class TunnelsModule {}
