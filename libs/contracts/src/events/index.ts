export * from './fingerprint';
export * from './token-rotated';
export * from './topics';
