import { DynamicModule, Module } from '@nestjs/common';
import { AwsProtocolModule } from '@rekey/aws-protocol';
import { EventsModule } from '@rekey/events';
import { PlatformModule, RekeyConfig } from '@rekey/platform';
import { TokensModule } from '@rekey/tokens';

@Module({})
export class ChatAppModule {
  static register(config: RekeyConfig): DynamicModule {
    return {
      module: ChatAppModule,
      imports: [PlatformModule.forRoot(config), AwsProtocolModule.forRoot({ api: 'ivschat' }), TokensModule, EventsModule.forRoot({ app: 'chat' })],
    };
  }
}
