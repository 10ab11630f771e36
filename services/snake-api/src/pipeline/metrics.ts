// The publishing side's Prometheus metrics. The gauges are read when scraped, from the spool
// and the transport, so they can never drift from what they describe.
import { LATENCY_BUCKETS_SECONDS } from '@snakepit/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export const DROP_REASONS = ['spool_full', 'spool_closed', 'spool_error'] as const;

/** Why a turn was not kept at all. */
export type DropReason = (typeof DROP_REASONS)[number];

export interface PipelineMetrics {
  published: Counter;
  confirmed: Counter;
  nacked: Counter;
  spooled: Counter;
  dropped: Counter<'reason'>;
  confirmSeconds: Histogram;
}

/** What the gauges read at scrape time. */
export interface PipelineGaugeSources {
  spoolDepth(): number;
  spoolBytes(): number;
  brokerConnected(): boolean;
}

/** Registers the publishing metrics on `registry` (once per registry). */
export function createPipelineMetrics(
  registry: Registry,
  sources: PipelineGaugeSources,
): PipelineMetrics {
  const registers = [registry];
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({ name, help, registers, collect: collectWith(read) });
  gauge('snakepit_spool_depth', 'Turns in the disk spool not yet confirmed by the broker.', () =>
    sources.spoolDepth(),
  );
  gauge('snakepit_spool_bytes', 'Bytes the disk spool takes (SPOOL_MAX_BYTES is the limit).', () =>
    sources.spoolBytes(),
  );
  gauge('snakepit_broker_connected', '1 while the broker takes publishes, else 0.', () =>
    sources.brokerConnected() ? 1 : 0,
  );
  return {
    published: counter(registers, 'published', 'Turn publishes sent to the broker (replays too).'),
    confirmed: counter(registers, 'confirmed', 'Turn publishes the broker confirmed.'),
    nacked: counter(registers, 'nacked', 'Turn publishes the broker refused (then spooled).'),
    spooled: counter(registers, 'spooled', 'Turns written to the disk spool.'),
    dropped: droppedCounter(registers),
    confirmSeconds: new Histogram({
      name: 'snakepit_publish_confirm_seconds',
      help: 'Time from publishing a turn to the broker confirming it.',
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    }),
  };
}

// Every reason starts at 0, so the series exist before the first drop and a rate or an alert
// on them sees the first one.
function droppedCounter(registers: Registry[]): Counter<'reason'> {
  const dropped = new Counter({
    name: 'snakepit_turns_dropped_total',
    help: 'Turns lost on the publishing side: the spool was full, closed, or its disk failing.',
    labelNames: ['reason'],
    registers,
  });
  for (const reason of DROP_REASONS) dropped.inc({ reason }, 0);
  return dropped;
}

function counter(registers: Registry[], what: string, help: string): Counter {
  return new Counter({ name: `snakepit_turns_${what}_total`, help, registers });
}

function collectWith(read: () => number) {
  return function (this: Gauge) {
    this.set(read());
  };
}
