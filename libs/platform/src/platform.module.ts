import { DynamicModule, Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { LoggerModule } from 'nestjs-pino';
import { REKEY_CONFIG } from './config/config.tokens';
import { RekeyConfig } from './config/rekey-config';
import { HealthModule } from './health/health.module';
import { createKafka, KAFKA } from './kafka/kafka.client';
import { loggerOptions } from './logging/logger.options';
import { createMetricsRegistry, METRICS_REGISTRY, MetricsController } from './metrics/metrics';
import { TokenMetrics } from './metrics/token-metrics';

/** What every Rekey app runs on: config, JSON logs, its MongoDB database, Kafka, health probes and metrics. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(config: RekeyConfig): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        LoggerModule.forRoot(loggerOptions(config)),
        // Fail fast instead of queueing operations while the database is away: callers get a 5xx.
        MongooseModule.forRoot(config.mongoUri, { serverSelectionTimeoutMS: 3000, bufferCommands: false }),
        HealthModule,
      ],
      providers: [
        { provide: REKEY_CONFIG, useValue: config },
        { provide: KAFKA, useFactory: () => createKafka(config) },
        { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry(config.app) },
        TokenMetrics,
      ],
      controllers: [MetricsController],
      exports: [REKEY_CONFIG, KAFKA, METRICS_REGISTRY, TokenMetrics, HealthModule],
    };
  }
}
