import type { DynamicModule } from '@nestjs/common';
import type { AppName } from '@rekey/contracts';
import { ConfigError, loadConfig, RekeyConfig } from './config/rekey-config';
import { startTracing } from './tracing/tracing-sdk';

/** Builds an app's root module from its config. */
export type RootModuleFor = (config: RekeyConfig) => DynamicModule;

/**
 * The `main.ts` of every app, imported as `@rekey/platform/run-app` so that nothing else of the
 * platform is loaded yet: loads and validates the config, starts tracing when the `OTEL_*`
 * settings ask for it, and only then loads the app (`loadRootModule`) and the platform, since
 * instrumentations patch modules as they are first required. Serves on the configured port. A bad
 * setting, found by loadConfig or by a module at start-up (e.g. a malformed keyring file), prints
 * one line and exits 1.
 */
export async function runApp(app: AppName, loadRootModule: () => Promise<RootModuleFor>): Promise<void> {
  try {
    const config = loadConfig(app);
    const tracing = config.tracing && (await startTracing(config.tracing));
    const { serveApp } = await import('./bootstrap');
    await serveApp((await loadRootModule())(config), config, tracing);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`rekey-${app}: configuration error: ${error.message}\n`);
    process.exit(1);
  }
}
