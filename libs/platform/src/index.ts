export * from './bootstrap';
export * from './config/config.tokens';
export * from './config/rekey-config';
export * from './kafka/kafka.client';
export * from './logging/logger.options';
export * from './platform.module';
export * from './metrics/metrics';
export * from './public-route';
