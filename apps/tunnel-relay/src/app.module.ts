import { DynamicModule, Module } from '@nestjs/common';
import { EventsModule } from '@rekey/events';
import { PlatformModule, RekeyConfig } from '@rekey/platform';
import { TokensModule } from '@rekey/tokens';
import { DeviceNotifyModule } from './notify/device-notify.module';
import { TunnelRelayModule } from './tunnel-relay.module';

@Module({})
export class TunnelRelayAppModule {
  static register(config: RekeyConfig): DynamicModule {
    return {
      module: TunnelRelayAppModule,
      imports: [
        PlatformModule.forRoot(config),
        TokensModule,
        EventsModule.forRoot({ app: 'tunnel-relay' }),
        TunnelRelayModule,
        ...(config.mqttUrl !== undefined ? [DeviceNotifyModule] : []),
      ],
    };
  }
}
