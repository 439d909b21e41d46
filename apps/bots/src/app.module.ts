import { DynamicModule, Module } from '@nestjs/common';
import { AwsProtocolModule } from '@rekey/aws-protocol';
import { EventsModule } from '@rekey/events';
import { PlatformModule, RekeyConfig } from '@rekey/platform';
import { TokensModule } from '@rekey/tokens';
import { AccountsModule } from './accounts/accounts.module';
import { BotsModule } from './bots/bots.module';

@Module({})
export class BotsAppModule {
  static register(config: RekeyConfig): DynamicModule {
    return {
      module: BotsAppModule,
      imports: [
        PlatformModule.forRoot(config),
        AwsProtocolModule.forRoot({ api: 'chime' }),
        TokensModule,
        EventsModule.forRoot({ app: 'bots' }),
        AccountsModule,
        BotsModule,
      ],
    };
  }
}
