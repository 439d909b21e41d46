export * from './account.dto';
export * from './bot.dto';
export * from './chime-events';
export * from './chime-patterns';
export * from './chime-deliveries';
