export * from './chat-events';
export * from './chat-token.dto';
export * from './messaging.dto';
export * from './room.dto';
export * from './string-map';
export * from './tags.dto';
