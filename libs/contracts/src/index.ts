export * from './apps';
export * from './chime';
export * from './events';
export * from './ivschat';
export * from './tunnels';
export * from './dev-credentials';
