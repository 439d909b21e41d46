import { DynamicModule, Module } from '@nestjs/common';
import { AwsProtocolModule } from '@rekey/aws-protocol';
import { EventsModule } from '@rekey/events';
import { PlatformModule, RekeyConfig } from '@rekey/platform';
import { TokensModule } from '@rekey/tokens';
import { TunnelsModule } from './tunnels/tunnels.module';

@Module({})
export class TunnelsAppModule {
  static register(config: RekeyConfig): DynamicModule {
    return {
      module: TunnelsAppModule,
      imports: [
        PlatformModule.forRoot(config),
        AwsProtocolModule.forRoot({ api: 'iotsecuretunneling' }),
        TokensModule,
        EventsModule.forRoot({ app: 'tunnels' }),
        TunnelsModule,
      ],
    };
  }
}
