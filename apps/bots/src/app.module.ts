import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, RekeyConfig } from '@rekey/platform';

@Module({})
export class BotsAppModule {
  static register(config: RekeyConfig): DynamicModule {
    return { module: BotsAppModule, imports: [PlatformModule.forRoot(config)] };
  }
}
