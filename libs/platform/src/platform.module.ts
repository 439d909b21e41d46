import { DynamicModule, Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { LoggerModule } from 'nestjs-pino';
import { REKEY_CONFIG } from './config/config.tokens';
import { RekeyConfig } from './config/rekey-config';
import { HealthModule } from './health/health.module';
import { ConsumerTransportHost } from './kafka/consumer-transport';
import { createKafka, KAFKA } from './kafka/kafka.client';
import { loggerOptions } from './logging/logger.options';
import { createMetricsRegistry, METRICS_REGISTRY, MetricsController } from './metrics/metrics';
import { TokenMetrics } from './metrics/token-metrics';
import { MONGO_CONNECTION_OPTIONS } from './mongo/mongo-timeouts';

/** What every Rekey app runs on: config, JSON logs, its MongoDB database, Kafka, health probes and metrics. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(config: RekeyConfig): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        LoggerModule.forRoot(loggerOptions(config)),
        // Fail fast instead of queueing operations while the database is away: callers get the API's 503.
        MongooseModule.forRoot(config.mongoUri, MONGO_CONNECTION_OPTIONS),
        HealthModule,
      ],
      providers: [
        { provide: REKEY_CONFIG, useValue: config },
        { provide: KAFKA, useFactory: () => createKafka(config) },
        { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry(config.app) },
        TokenMetrics,
        ConsumerTransportHost,
      ],
      controllers: [MetricsController],
      exports: [REKEY_CONFIG, KAFKA, METRICS_REGISTRY, TokenMetrics, ConsumerTransportHost],
    };
  }
}
