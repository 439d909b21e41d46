export * from './tunnels.requests';
export * from './tunnel-events';
