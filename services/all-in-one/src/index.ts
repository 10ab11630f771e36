export * from './config.ts';
export * from './embedded/data-dir.ts';
export * from './embedded/database.ts';
export * from './embedded/wire.ts';
export * from './queue/dead-letters.ts';
export * from './queue/in-process-queue.ts';
export * from './queue/in-process-transport.ts';
export * from './service.ts';
