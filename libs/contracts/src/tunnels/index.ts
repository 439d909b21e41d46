export * from './tunnels.requests';
export * from './tunnel-events';
export * from './peer-events';
