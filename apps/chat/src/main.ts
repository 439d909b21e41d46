import 'reflect-metadata';
import { runApp } from '@rekey/platform';
import { ChatAppModule } from './app.module';

void runApp('chat', (config) => ChatAppModule.register(config));
