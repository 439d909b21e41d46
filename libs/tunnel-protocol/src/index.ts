export * from './framing';
export * from './limits';
export * from './message';
export * from './versions';
