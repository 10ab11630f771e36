// The snake-api's public surface, for the all-in-one process and for tests.
export { readSnakeApiConfig, startSnakeApi } from './service.ts';
export type { PersistMode, SnakeApi, SnakeApiConfig, SnakeApiOptions } from './service.ts';
export { createApp, type AppOptions } from './app.ts';
export { STRATEGIES, findStrategy, strategyNames, STRONGEST_STRATEGY } from './strategies/index.ts';
export type { Appearance, MoveContext, Strategy } from './strategies/index.ts';
