import 'reflect-metadata';
import { runApp } from '@rekey/platform/run-app';

// Loaded by runApp once tracing runs: instrumentations patch modules as they are first required.
void runApp('tunnels', async () => {
  const { TunnelsAppModule } = await import('./app.module');
  return (config) => TunnelsAppModule.register(config);
});
