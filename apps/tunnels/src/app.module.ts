import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, RekeyConfig } from '@rekey/platform';

@Module({})
export class TunnelsAppModule {
  static register(config: RekeyConfig): DynamicModule {
    return { module: TunnelsAppModule, imports: [PlatformModule.forRoot(config)] };
  }
}
