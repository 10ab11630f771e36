// `npm run bench tracing`: what tracing costs snake-api's /move. Three snake-api processes run
// side by side from the same code: without the preload at all, with it but no exporter (tracing
// off: the preload returns at once), and sampling every request to a local OTLP receiver
// (tracing on, default protocol http/protobuf). Rounds alternate between them and the median
// round counts, because the machine is shared and noisy. Target: p99 with tracing on within 20%
// of tracing off, at a fixed, engine-like request rate; tracing off should match no preload.
// Also prints each start-up time (loading the SDK is where tracing costs most) and the server's
// CPU time per request (from its process_cpu_seconds_total), which noise moves least.
//
// Turns are not published (PERSIST_MODE=off), so the figure is the cost of tracing, not of the
// broker; with the publisher on, each turn adds one publish span. BENCH_STRATEGY=random_valid
// measures a strategy that computes almost nothing, where the overhead shows most; the default
// is the root /move (the strongest strategy).
import autocannon from 'autocannon';
import { advance, createGame, createRng, defaultRules } from '@snakepit/battlesnake';
import type { GameState, SimState } from '@snakepit/battlesnake';
import { requestFromSim } from '../../helpers/api-boards.ts';
import { startOtlpReceiver } from '../../helpers/otlp-receiver.ts';
import { randomSurvivingMoves } from '../../helpers/random-play.ts';
import { freePort, startService, type ServiceProcess } from '../../helpers/processes.ts';
import type { BenchSuite } from '../run.ts';
import { percentile, printTable } from '../table.ts';

const ROUNDS = 5;
const ROUND_SECONDS = 3;
/** Requests per second while measuring: a busy engine-facing pod, well below saturation. */
const RATE = 100;
const TARGET_RATIO = 1.2;

/** A mid-game 11x11 request with four snakes, reached by random surviving moves. */
function midGameRequest(): GameState {
  const rules = defaultRules('standard');
  const rng = createRng(11);
  const ids = ['you', 's1', 's2', 's3'];
  let state: SimState = createGame({ width: 11, height: 11, snakeIds: ids, rules, rng });
  for (let turn = 0; turn < 40; turn++) {
    const next = advance(state, randomSurvivingMoves(state, rules, rng), rules, rng);
    if (next.snakes.filter((s) => s.elimination === undefined).length < 2) break;
    state = next;
  }
  const you = state.snakes.find((s) => s.elimination === undefined);
  return requestFromSim(state, you?.id ?? 'you', rules);
}

interface Round {
  p50: number;
  p99: number;
  rps: number;
  bad: number;
  /** Server CPU time per request, in microseconds (from its process_cpu_seconds_total). */
  cpuUs: number;
}

/** The server's CPU seconds so far, read from its admin /metrics. */
async function cpuSeconds(api: ServiceProcess): Promise<number> {
  const text = await fetch(api.adminUrl('/metrics')).then((r) => r.text());
  const line = text.split('\n').find((l) => l.startsWith('process_cpu_seconds_total'));
  return Number(line?.split(' ').at(-1));
}

async function round(target: Started, body: string, seconds: number): Promise<Round> {
  const cpuBefore = await cpuSeconds(target.api);
  const result = await autocannon({
    url: target.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: 8,
    duration: seconds,
    overallRate: RATE,
  });
  const cpu = (await cpuSeconds(target.api)) - cpuBefore;
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    bad: result.non2xx + result.errors + result.timeouts,
    cpuUs: (cpu / Math.max(1, result.requests.total)) * 1e6,
  };
}

interface Started {
  api: ServiceProcess;
  url: string;
  startMs: number;
}

async function startApi(env: Record<string, string>, preload = true): Promise<Started> {
  const port = await freePort();
  const began = performance.now();
  const api = await startService({
    entry: 'services/snake-api/src/main.ts',
    env: {
      PORT: String(port),
      PERSIST_MODE: 'off',
      LOG_LEVEL: 'warn',
      NODE_OPTIONS: preload ? '--import=@snakepit/common/telemetry/register' : '',
      ...env,
    },
    readyTimeoutMs: 60_000,
  });
  const strategy = process.env.BENCH_STRATEGY ? `/${process.env.BENCH_STRATEGY}` : '';
  const url = `http://127.0.0.1:${port}${strategy}/move`;
  return { api, url, startMs: performance.now() - began };
}

type Mode = 'no preload' | 'off' | 'on';

async function startAll(receiverUrl: string): Promise<Record<Mode, Started>> {
  const quiet = { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_SDK_DISABLED: '' };
  // One at a time, so that each start-up time is its own.
  const none = await startApi(quiet, false);
  const off = await startApi(quiet);
  const on = await startApi({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl,
    OTEL_TRACES_SAMPLER: 'always_on',
  });
  return { 'no preload': none, off, on };
}

function summary(mode: Mode, started: Started, runs: Round[]) {
  const median = (f: (r: Round) => number) => percentile(runs.map(f), 50);
  return {
    tracing: mode,
    'start-up ms': Math.round(started.startMs),
    'req/s': Math.round(median((r) => r.rps)),
    'p50 ms': median((r) => r.p50),
    'p99 ms': median((r) => r.p99),
    'CPU us/req': Math.round(median((r) => r.cpuUs)),
    'non-2xx/errors': runs.reduce((n, r) => n + r.bad, 0),
  };
}

const suite: BenchSuite = {
  name: 'tracing',
  async run() {
    const receiver = await startOtlpReceiver();
    const apis = await startAll(receiver.url);
    const modes = Object.keys(apis) as Mode[];
    try {
      const body = JSON.stringify(midGameRequest());
      for (const mode of modes) await round(apis[mode], body, 2);

      const runs = new Map<Mode, Round[]>(modes.map((m) => [m, []]));
      for (let r = 0; r < ROUNDS; r++) {
        for (const mode of modes)
          runs.get(mode)?.push(await round(apis[mode], body, ROUND_SECONDS));
      }
      const rows = modes.map((mode) => summary(mode, apis[mode], runs.get(mode) ?? []));
      printTable(
        `/move (${process.env.BENCH_STRATEGY ?? 'default strategy'}, 11x11, 4 snakes) at ${RATE} req/s, 8 connections, median of ${ROUNDS} interleaved ${ROUND_SECONDS} s rounds`,
        rows,
      );

      // autocannon reports whole milliseconds; a p99 under 1 ms is compared as 1 ms.
      const p99 = (mode: Mode) => Math.max(1, rows[modes.indexOf(mode)]?.['p99 ms'] ?? NaN);
      const ratio = p99('on') / p99('off');
      printTable('targets (ratios within this run)', [
        {
          target: 'p99 tracing on / off',
          value: ratio,
          goal: `< ${TARGET_RATIO}`,
          met: ratio < TARGET_RATIO ? 'ok' : 'MISSED',
        },
        {
          target: 'p99 tracing off / no preload',
          value: p99('off') / p99('no preload'),
          goal: 'about 1 (noise)',
          met: `${receiver.protobufBytes} trace bytes received`,
        },
      ]);
    } finally {
      await Promise.all(modes.map((mode) => apis[mode].api.stop()));
      await receiver.close();
    }
  },
};

export default suite;
