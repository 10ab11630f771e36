// The snake-api's Prometheus metrics. Label values are bounded: routes are express patterns,
// strategies are registry names (or "none"), rulesets are the known game types (or "other").
import { LATENCY_BUCKETS_SECONDS, RATIO_BUCKETS } from '@snakepit/common';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The snake-api's metric handles; names and labels are fixed (see README, Metrics). */
export interface ApiMetrics {
  requestDuration: Histogram<'method' | 'route' | 'strategy' | 'status'>;
  moveCompute: Histogram<'strategy'>;
  moveBudgetRatio: Histogram<'strategy'>;
  gamesStarted: Counter<'strategy' | 'ruleset'>;
  gamesEnded: Counter<'strategy' | 'ruleset' | 'result'>;
}

/** Registers the snake-api metrics on `registry` (once per registry). */
export function createApiMetrics(registry: Registry): ApiMetrics {
  const registers = [registry];
  return {
    requestDuration: new Histogram({
      name: 'snakepit_http_request_duration_seconds',
      help: 'Time from request arrival to the response being sent, by route pattern, strategy and status.',
      labelNames: ['method', 'route', 'strategy', 'status'],
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    }),
    moveCompute: new Histogram({
      name: 'snakepit_move_compute_seconds',
      help: 'Time a strategy spent choosing a move.',
      labelNames: ['strategy'],
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    }),
    moveBudgetRatio: new Histogram({
      name: 'snakepit_move_budget_ratio',
      help: 'Move compute time as a share of its deadline budget (1 = used all of it).',
      labelNames: ['strategy'],
      buckets: RATIO_BUCKETS,
      registers,
    }),
    gamesStarted: new Counter({
      name: 'snakepit_games_started_total',
      help: 'Games started (POST /start answered).',
      labelNames: ['strategy', 'ruleset'],
      registers,
    }),
    gamesEnded: new Counter({
      name: 'snakepit_games_ended_total',
      help: 'Games ended (POST /end answered), by our result.',
      labelNames: ['strategy', 'ruleset', 'result'],
      registers,
    }),
  };
}
