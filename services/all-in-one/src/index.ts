export * from './embedded/data-dir.ts';
export * from './embedded/database.ts';
export * from './embedded/wire.ts';
