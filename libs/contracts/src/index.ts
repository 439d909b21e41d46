export * from './apps';
export * from './events';
