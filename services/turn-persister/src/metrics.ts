// turn-persister's metrics. Names are fixed (dashboards and alerts use them).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKETS_SECONDS } from '@snakepit/common';

/** The series turn-persister exports on /metrics. */
export interface PersisterMetrics {
  consumed: Counter;
  stored: Counter;
  duplicates: Counter;
  deadLettered: Counter<'reason'>;
  batchSize: Histogram;
  insertSeconds: Histogram;
  lagSeconds: Histogram;
  databaseUp: Gauge;
}

/** Registers turn-persister's metrics on `registry`. */
export function createPersisterMetrics(registry: Registry): PersisterMetrics {
  const registers = [registry];
  const metrics = {
    consumed: new Counter({
      name: 'snakepit_turns_consumed_total',
      help: 'Turn messages received from the queue (redeliveries included)',
      registers,
    }),
    stored: new Counter({
      name: 'snakepit_turns_stored_total',
      help: 'Turns newly written to the turns table',
      registers,
    }),
    duplicates: new Counter({
      name: 'snakepit_turns_duplicate_total',
      help: 'Turns skipped because their message id was already stored',
      registers,
    }),
    deadLettered: new Counter({
      name: 'snakepit_turns_dead_lettered_total',
      help: 'Messages moved to the dead-letter queue, by reason',
      labelNames: ['reason'],
      registers,
    }),
    batchSize: new Histogram({
      name: 'snakepit_batch_size',
      help: 'Turns per committed batch',
      buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2000],
      registers,
    }),
    insertSeconds: new Histogram({
      name: 'snakepit_batch_insert_seconds',
      help: 'Time to write and commit one batch, in seconds',
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    }),
    lagSeconds: new Histogram({
      name: 'snakepit_turn_lag_seconds',
      help: 'From the turn received by snake-api to its row committed, in seconds',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    }),
    databaseUp: new Gauge({
      name: 'snakepit_database_up',
      help: '1 when the last database operation succeeded, 0 while it fails',
      registers,
    }),
  };
  // Every reason starts at 0, so that the first dead letter is an increase Prometheus can see
  // (the SnakepitTurnsDeadLettered alert uses increase(), which needs a sample before it).
  for (const reason of ['invalid_message', 'rejected_by_database']) {
    metrics.deadLettered.inc({ reason }, 0);
  }
  return metrics;
}
