export * from './room-directory';
