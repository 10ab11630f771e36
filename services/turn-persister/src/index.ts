// turn-persister's public surface: the service for the all-in-one process, the batcher and its
// Delivery interface for other transports, and the store for snake-api's PERSIST_MODE=sync.
export { readPersisterConfig, startTurnPersister } from './service.ts';
export type { PersisterConfig, TurnPersister, TurnPersisterOptions } from './service.ts';
export { Batcher, type BatcherOptions, type Delivery } from './batcher.ts';
export { createPersisterMetrics, type PersisterMetrics } from './metrics.ts';
export { runMigrations } from './migrate.ts';
export * from './store.ts';
export { gameResult, type GameResult } from './games.ts';
export { deathCause } from './death.ts';
