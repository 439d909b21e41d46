import { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppName } from '@rekey/contracts';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { ConfigError, loadConfig, RekeyConfig } from './config/rekey-config';

const MAX_BODY_BYTES = 1024 * 1024;

/** The header AWS SDKs read the request id from; set on every response. */
export const REQUEST_ID_HEADER = 'x-amzn-RequestId';

function createAdapter(): FastifyAdapter {
  const adapter = new FastifyAdapter({ bodyLimit: MAX_BODY_BYTES, genReqId: () => randomUUID() });
  adapter.getInstance().addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  return adapter;
}

/** Builds the Fastify-based Nest application for a root module, without listening yet. */
export async function createApp(rootModule: DynamicModule): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    rootModule,
    createAdapter(),
    // rawBody: SigV4 signs the exact bytes of the payload.
    { bufferLogs: true, rawBody: true },
  );
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  return app;
}

/**
 * The `main.ts` of every app: loads and validates the config (one line and exit 1 on a bad
 * setting), then serves on the configured port.
 */
export async function runApp(app: AppName, rootModuleFor: (config: RekeyConfig) => DynamicModule): Promise<void> {
  let config: RekeyConfig;
  try {
    config = loadConfig(app);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`rekey-${app}: configuration error: ${error.message}\n`);
    process.exit(1);
  }
  const nest = await createApp(rootModuleFor(config));
  await nest.listen(config.port, '0.0.0.0');
}
