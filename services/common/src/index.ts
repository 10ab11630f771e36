export * from './admin.ts';
export * from './broker.ts';
export * from './config.ts';
export * from './logger.ts';
export * from './metrics.ts';
export * from './turn-message.ts';
export * from './turn.ts';
