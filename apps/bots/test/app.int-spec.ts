import { describeAppOnRealInfrastructure } from '@rekey/testing';
import { BotsAppModule } from '../src/app.module';

describeAppOnRealInfrastructure('bots', (config) => BotsAppModule.register(config));
