import { describeAppOnRealInfrastructure } from '@rekey/testing';
import { ChatAppModule } from '../src/app.module';

describeAppOnRealInfrastructure('chat', (config) => ChatAppModule.register(config));
