import { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestMicroservice } from '@nestjs/microservices';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import { RekeyConfig, TlsFiles } from './config/rekey-config';
import { ConsumerTransportHost, HandlerErrorsToTransport } from './kafka/consumer-transport';
import { logRequests, REQUEST_LOGGER } from './logging/request-logging';
import { instrumentHttp } from './metrics/http-metrics';
import { METRICS_REGISTRY } from './metrics/metrics';
import { indexesBuilt } from './mongo/indexes-built';
import type { TracingSdk } from './tracing/tracing-sdk';

/** The outer bound; each API's JSON parser has its own, smaller limit (aws-protocol's JSON_BODY_LIMITS). */
const MAX_BODY_BYTES = 1024 * 1024;
/**
 * Slow clients: a request's headers must arrive within 5 s and the whole request within 10 s,
 * checked every second (Node's default check runs every 30 s), so that a client trickling bytes
 * holds a connection for seconds, not minutes.
 */
const HEADERS_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 10_000;
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/** The header AWS SDKs read the request id from; set on every response. */
export const REQUEST_ID_HEADER = 'x-amzn-RequestId';

/** Servers shutting down: their answers close the connection. */
const draining = new WeakSet<FastifyInstance>();

type FrameworkErrorRenderer = (error: Error, request: FastifyRequest, reply: FastifyReply) => void;
const frameworkErrorRenderers = new WeakMap<FastifyInstance, FrameworkErrorRenderer>();

/**
 * Renders the errors Fastify raises before routing (a URL it cannot decode, an over-long
 * parameter): they bypass hooks and error handlers, so the protocol layer registers here to
 * answer them in the API's own error shape.
 */
export function renderFrameworkErrors(fastify: FastifyInstance, render: FrameworkErrorRenderer): void {
  frameworkErrorRenderers.set(fastify, render);
}

function createAdapter(tls?: TlsFiles): FastifyAdapter {
  const adapter = new FastifyAdapter({
    // localproxy refuses TLS 1.0 and 1.1.
    ...(tls && { https: { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile), minVersion: 'TLSv1.2' as const } }),
    bodyLimit: MAX_BODY_BYTES,
    requestTimeout: REQUEST_TIMEOUT_MS,
    http: { headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS },
    genReqId: () => randomUUID(),
    // Shutdown is ours (closeOnSignals): Fastify's would destroy connections whose request is
    // still unread in the socket, and answer 503 in its own shape rather than the API's.
    forceCloseConnections: false,
    return503OnClosing: false,
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      const render = frameworkErrorRenderers.get(adapter.getInstance());
      if (render) render(error, request, reply);
      else void reply.code(400).send({ message: error.message });
    },
  });
  // Callback hooks, not async ones: an async hook costs a promise and a microtask per request.
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    if (draining.has(adapter.getInstance())) done(Object.assign(new Error('The service is shutting down; retry'), { statusCode: 503 }));
    else done();
  });
  adapter.getInstance().addHook('onSend', (_request, reply, payload, done) => {
    if (draining.has(adapter.getInstance())) reply.header('connection', 'close');
    done(null, payload);
  });
  return adapter;
}

type DrainHook = () => Promise<void>;
const drainHooks = new WeakMap<FastifyInstance, DrainHook[]>();

/**
 * Runs `hook` when the server starts draining on SIGTERM / SIGINT, before the HTTP server closes:
 * long-lived connections the server would otherwise wait for (WebSockets) are ended there.
 */
export function whenDraining(fastify: FastifyInstance, hook: DrainHook): void {
  drainHooks.set(fastify, [...(drainHooks.get(fastify) ?? []), hook]);
}

/**
 * Serves the app's `@EventPattern` handlers with its consumer transport, if it has one. Its start
 * does not wait for Kafka (each subscription keeps trying in the background); `app.close()` stops it
 * after the HTTP server and before the shutdown hooks close Kafka and MongoDB.
 */
async function startConsumers(app: NestFastifyApplication): Promise<void> {
  const { strategy } = app.get(ConsumerTransportHost);
  if (!strategy) return;
  // Deferred so that the filter is in place before the handlers are registered (their exception
  // handling is built then); the rest is what connectMicroservice does when not deferred.
  const consumers = app.connectMicroservice({ strategy }, { deferInitialization: true }) as NestMicroservice;
  consumers.useGlobalFilters(new HandlerErrorsToTransport());
  consumers.registerListeners();
  consumers.setIsInitialized(true);
  consumers.setIsInitHookCalled(true);
  // Handlers run once their providers are initialized (onModuleInit, onApplicationBootstrap).
  await app.init();
  await app.startAllMicroservices();
}

/** Builds the Fastify-based Nest application for a root module and starts its event consumers, without listening yet; HTTPS with `tls`. */
export async function createApp(rootModule: DynamicModule, tls?: TlsFiles): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    rootModule,
    createAdapter(tls),
    // rawBody: SigV4 signs the exact bytes of the payload.
    // Start-up failures throw instead of aborting and are not logged by Nest: runApp prints a
    // ConfigError as one line, anything else with its stack. Logs go to pino once created.
    { logger: false, rawBody: true, abortOnError: false },
  );
  app.useLogger(app.get(Logger));
  logRequests(app.getHttpAdapter().getInstance(), app.get(REQUEST_LOGGER));
  instrumentHttp(app.getHttpAdapter().getInstance(), app.get(METRICS_REGISTRY));
  await startConsumers(app);
  await indexesBuilt(app);
  return app;
}

/** How long a shutting-down server keeps its connections to answer what is already on them. */
const DRAIN_GRACE_MS = 1_000;

/** How long a graceful shutdown may take before the process gives up (Kubernetes grants 30 s). */
const SHUTDOWN_DEADLINE_MS = 20_000;

/**
 * SIGTERM / SIGINT: stop accepting, let in-flight requests finish, then run the shutdown hooks
 * (outbox flush in beforeApplicationShutdown; Kafka and MongoDB disconnects in
 * onApplicationShutdown), then export the last spans and exit 0. Nest's own enableShutdownHooks
 * re-raises the signal afterwards, which would end the process with 143 instead.
 */
function closeOnSignals(nest: NestFastifyApplication, tracing?: TracingSdk): void {
  const shutdown = async (signal: NodeJS.Signals) => {
    nest.get(Logger).log(`${signal} received: draining`);
    setTimeout(() => {
      process.stderr.write(`shutdown did not finish within ${SHUTDOWN_DEADLINE_MS} ms\n`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    // HTTP first, so that no request records an event after the outbox's final flush. For a
    // grace period requests in flight finish and new ones get a 503 (nothing done, the SDKs
    // retry), each answer closing its connection; only then does the server close, with the idle
    // connections left: closing them at once could drop a request the server had not read yet.
    const fastify = nest.getHttpAdapter().getInstance();
    draining.add(fastify);
    await Promise.all([sleep(DRAIN_GRACE_MS), ...(drainHooks.get(fastify) ?? []).map((hook) => hook())]);
    await nest.getHttpAdapter().close();
    await nest.close();
    await tracing?.shutdown();
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));
}

/**
 * Serves a built app on the configured port until SIGTERM / SIGINT; the tracing SDK, if any, is
 * shut down (its spans exported) after the app has closed. Called by `runApp` once tracing runs.
 */
export async function serveApp(rootModule: DynamicModule, config: RekeyConfig, tracing?: TracingSdk): Promise<void> {
  const nest = await createApp(rootModule, config.tls);
  closeOnSignals(nest, tracing);
  await nest.listen(config.port, '0.0.0.0');
}
