import 'reflect-metadata';
import { runApp } from '@rekey/platform';
import { TunnelRelayAppModule } from './app.module';

void runApp('tunnel-relay', (config) => TunnelRelayAppModule.register(config));
