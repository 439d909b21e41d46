import { DynamicModule, Module } from '@nestjs/common';
import { AwsProtocolModule } from '@rekey/aws-protocol';
import { EventsModule } from '@rekey/events';
import { PlatformModule, RekeyConfig } from '@rekey/platform';
import { TokensModule } from '@rekey/tokens';
import { ChatTokensModule } from './chat-tokens/chat-tokens.module';
import { MessagingModule } from './messaging/messaging.module';
import { RoomsModule } from './rooms/rooms.module';

@Module({})
export class ChatAppModule {
  static register(config: RekeyConfig): DynamicModule {
    return {
      module: ChatAppModule,
      imports: [
        PlatformModule.forRoot(config),
        AwsProtocolModule.forRoot({ api: 'ivschat' }),
        TokensModule,
        EventsModule.forRoot({ app: 'chat' }),
        RoomsModule,
        ChatTokensModule,
        MessagingModule,
      ],
    };
  }
}
