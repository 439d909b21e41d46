import 'reflect-metadata';
import { runApp } from '@rekey/platform';
import { TunnelsAppModule } from './app.module';

void runApp('tunnels', (config) => TunnelsAppModule.register(config));
