import { DynamicModule, Module } from '@nestjs/common';
import { AwsProtocolModule } from '@rekey/aws-protocol';
import { BOT_DELIVERIES_TOPIC } from '@rekey/contracts';
import { EventsModule } from '@rekey/events';
import { PlatformModule, RekeyConfig } from '@rekey/platform';
import { TokensModule } from '@rekey/tokens';
import { AccountsModule } from './accounts/accounts.module';
import { BotsModule } from './bots/bots.module';
import { DeliveriesModule } from './deliveries/deliveries.module';

/** Overrides for tests. */
export interface BotsAppOptions {
  /** A topic of the test's own instead of `rekey.bots.deliveries.v1` (else REKEY_BOTS_DELIVERIES_TOPIC's, if set). */
  deliveriesTopic?: string;
}

@Module({})
export class BotsAppModule {
  static register(config: RekeyConfig, options: BotsAppOptions = {}): DynamicModule {
    const deliveriesTopic = options.deliveriesTopic ?? config.botsDeliveriesTopic;
    return {
      module: BotsAppModule,
      imports: [
        PlatformModule.forRoot(config),
        AwsProtocolModule.forRoot({ api: 'chime' }),
        TokensModule,
        EventsModule.forRoot({ app: 'bots', consumedTopics: deliveriesTopic ? { [BOT_DELIVERIES_TOPIC]: deliveriesTopic } : undefined }),
        AccountsModule,
        BotsModule,
        DeliveriesModule.register({ topic: deliveriesTopic }),
      ],
    };
  }
}
