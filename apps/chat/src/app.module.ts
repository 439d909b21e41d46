import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, RekeyConfig } from '@rekey/platform';

@Module({})
export class ChatAppModule {
  static register(config: RekeyConfig): DynamicModule {
    return { module: ChatAppModule, imports: [PlatformModule.forRoot(config)] };
  }
}
