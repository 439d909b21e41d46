import { DynamicModule, Module } from '@nestjs/common';
import { EventsModule } from '@rekey/events';
import { PlatformModule, RekeyConfig } from '@rekey/platform';
import { TokensModule } from '@rekey/tokens';

@Module({})
export class ChatAppModule {
  static register(config: RekeyConfig): DynamicModule {
    return { module: ChatAppModule, imports: [PlatformModule.forRoot(config), TokensModule, EventsModule.forRoot({ app: 'chat' })] };
  }
}
