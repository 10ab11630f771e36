import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Latency buckets in seconds, from 0.1 ms to 1 s, with a boundary at the engine's usual
 * 500 ms deadline so "answered in time" can be read straight off the histogram.
 */
export const LATENCY_BUCKETS_SECONDS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
];

/** Buckets for ratios of a budget (for example move compute time over its deadline). */
export const RATIO_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/**
 * A registry with prom-client's default process metrics (memory, CPU, event-loop lag, GC).
 * `service` labels every series, so one Prometheus job can hold both services. The all-in-one
 * process passes one registry to both services; metric names never collide between them.
 */
export function createRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
