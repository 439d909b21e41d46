import 'reflect-metadata';
import { runApp } from '@rekey/platform/run-app';

// Loaded by runApp once tracing runs: instrumentations patch modules as they are first required.
void runApp('chat-gateway', async () => {
  const { ChatGatewayAppModule } = await import('./gateway.module');
  return (config) => ChatGatewayAppModule.register(config);
});
