export * from './api.ts';
export * from './rules/index.ts';
export * from './schema.ts';
