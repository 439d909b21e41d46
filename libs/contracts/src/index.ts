export * from './apps';
export * as chime from './chime';
export * from './events';
export * as ivschat from './ivschat';
export * as tunnels from './tunnels';
