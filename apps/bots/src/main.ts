import 'reflect-metadata';
import { runApp } from '@rekey/platform';
import { BotsAppModule } from './app.module';

void runApp('bots', (config) => BotsAppModule.register(config));
