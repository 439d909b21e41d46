export * from './chat-token';
export * from './keyring';
export * from './random-token';
export * from './tokens.module';
