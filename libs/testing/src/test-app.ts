import { DynamicModule } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppName } from '@rekey/contracts';
import { createApp, loadConfig, RekeyConfig } from '@rekey/platform';
import { testKafkaBrokers, uniqueMongoUri } from './test-environment';

export interface TestApp {
  nest: NestFastifyApplication;
  config: RekeyConfig;
  /** Base URL the app listens on, e.g. `http://127.0.0.1:40123`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Boots an app exactly as main.ts does, on a free port, against the real test servers and a
 * database of its own. `env` overrides settings (e.g. another KAFKA_BROKERS).
 */
export async function startTestApp(
  app: AppName,
  rootModuleFor: (config: RekeyConfig) => DynamicModule,
  env: NodeJS.ProcessEnv = {},
): Promise<TestApp> {
  const config = loadConfig(app, {
    NODE_ENV: 'test',
    PORT: '0',
    MONGO_URI: uniqueMongoUri(`rekey_${app}`),
    KAFKA_BROKERS: testKafkaBrokers(),
    LOG_LEVEL: 'warn',
    ...env,
  });
  const nest = await createApp(rootModuleFor(config), config.tls);
  await nest.listen(0, '127.0.0.1');
  const address = nest.getHttpServer().address() as { port: number };
  return { nest, config, url: `${config.tls ? 'https' : 'http'}://127.0.0.1:${address.port}`, close: () => nest.close() };
}
