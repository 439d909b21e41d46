import { DynamicModule, Module } from '@nestjs/common';
import { EventsModule } from '@rekey/events';
import { PlatformModule, RekeyConfig } from '@rekey/platform';
import { TokensModule } from '@rekey/tokens';

@Module({})
export class TunnelsAppModule {
  static register(config: RekeyConfig): DynamicModule {
    return { module: TunnelsAppModule, imports: [PlatformModule.forRoot(config), TokensModule, EventsModule.forRoot({ app: 'tunnels' })] };
  }
}
