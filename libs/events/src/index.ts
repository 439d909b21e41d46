export * from './envelope';
export * from './event';
export * from './event-publisher';
export * from './event-subscriber';
export * from './events.module';
export * from './events.tokens';
export * from './outbox';
export * from './outbox-relay';
