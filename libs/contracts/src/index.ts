export * from './apps';
export * from './events';
export * from './ivschat';
