export * from './fingerprint';
export * from './token-rotated';
export * from './topics';
export * from './event-fields';
export * from './event-catalog';
