import { DynamicModule, Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { LoggerModule } from 'nestjs-pino';
import pinoHttp, { Options } from 'pino-http';
import { REKEY_CONFIG } from './config/config.tokens';
import { RekeyConfig } from './config/rekey-config';
import { HealthModule } from './health/health.module';
import { ConsumerTransportHost } from './kafka/consumer-transport';
import { createKafka, KAFKA } from './kafka/kafka.client';
import { loggerOptions } from './logging/logger.options';
import { REQUEST_LOGGER } from './logging/request-logging';
import { createMetricsRegistry, METRICS_REGISTRY, MetricsController } from './metrics/metrics';
import { TokenMetrics } from './metrics/token-metrics';
import { MONGO_CONNECTION_OPTIONS } from './mongo/mongo-timeouts';

/** What every Rekey app runs on: config, JSON logs, its MongoDB database, Kafka, health probes and metrics. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(config: RekeyConfig): DynamicModule {
    // One logger: nestjs-pino's Logger writes through the request logger, which createApp runs as a
    // Fastify hook (logRequests) rather than as a Nest middleware (forRoutes: none).
    const requestLogger = pinoHttp(loggerOptions(config).pinoHttp as Options);
    return {
      module: PlatformModule,
      imports: [
        LoggerModule.forRoot({ pinoHttp: { logger: requestLogger.logger }, forRoutes: [] }),
        // Fail fast instead of queueing operations while the database is away: callers get the API's 503.
        MongooseModule.forRoot(config.mongoUri, MONGO_CONNECTION_OPTIONS),
        HealthModule,
      ],
      providers: [
        { provide: REKEY_CONFIG, useValue: config },
        { provide: REQUEST_LOGGER, useValue: requestLogger },
        { provide: KAFKA, useFactory: () => createKafka(config) },
        { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry(config.app) },
        TokenMetrics,
        ConsumerTransportHost,
      ],
      controllers: [MetricsController],
      exports: [REKEY_CONFIG, REQUEST_LOGGER, KAFKA, METRICS_REGISTRY, TokenMetrics, ConsumerTransportHost, HealthModule],
    };
  }
}
