export * from './framing';
export * from './limits';
export * from './local-proxy';
export * from './message';
export * from './versions';
