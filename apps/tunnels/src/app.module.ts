import { DynamicModule, Module } from '@nestjs/common';
import { AwsProtocolModule } from '@rekey/aws-protocol';
import { EventsModule } from '@rekey/events';
import { PlatformModule, RekeyConfig } from '@rekey/platform';
import { TokensModule } from '@rekey/tokens';

@Module({})
export class TunnelsAppModule {
  static register(config: RekeyConfig): DynamicModule {
    return {
      module: TunnelsAppModule,
      imports: [PlatformModule.forRoot(config), AwsProtocolModule.forRoot({ api: 'iotsecuretunneling' }), TokensModule, EventsModule.forRoot({ app: 'tunnels' })],
    };
  }
}
