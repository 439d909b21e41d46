import 'reflect-metadata';
import { runApp } from '@rekey/platform';
import { ChatGatewayAppModule } from './gateway.module';

void runApp('chat-gateway', (config) => ChatGatewayAppModule.register(config));
