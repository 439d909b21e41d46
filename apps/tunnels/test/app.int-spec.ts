import { describeAppOnRealInfrastructure } from '@rekey/testing';
import { TunnelsAppModule } from '../src/app.module';

describeAppOnRealInfrastructure('tunnels', (config) => TunnelsAppModule.register(config));
