// `npm run bench api`: the snake-api's /move over HTTP for every strategy next to a bare
// express 5 endpoint, and each strategy's move compute time on 11x11 (4 snakes) and 19x19
// (8 snakes). Targets are ratios within this run, because the machine is shared and noisy:
//   - cautious_carol's throughput >= 75% of the bare endpoint's;
//   - at a fixed 1,000 requests/s, cautious_carol's p99 <= 1.5x the bare endpoint's;
//   - every strategy's p99 compute time <= half its deadline budget.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import {
  advance,
  createGame,
  createRng,
  defaultRules,
  type GameState,
  type SimState,
} from '@snakepit/battlesnake';
import { rulesFor } from '../../../services/snake-api/src/moves.ts';
import { STRATEGIES } from '../../../services/snake-api/src/strategies/index.ts';
import { requestFromSim } from '../../helpers/api-boards.ts';
import { freePort, startService, type ServiceProcess } from '../../helpers/processes.ts';
import { randomSurvivingMoves } from '../../helpers/random-play.ts';
import type { BenchSuite } from '../run.ts';
import { percentile, printTable } from '../table.ts';

const TIMEOUT_MS = 500;
const RESERVE_MS = 150;
/** The budget a strategy gets for a request that arrives with game.timeout 500 ms. */
const BUDGET_MS = TIMEOUT_MS - RESERVE_MS;
const HTTP_SECONDS = 2;
const ROUNDS = 3;
const FIXED_RATE = 1000;

/** Positions from a game of random surviving moves, from turn `fromTurn` on (fewer if it ends). */
function positions(size: number, snakes: number, fromTurn: number, count: number): GameState[] {
  const rules = defaultRules('standard');
  const rng = createRng(size * 100 + snakes);
  const ids = Array.from({ length: snakes }, (_, i) => `snake-${i}`);
  let state: SimState = createGame({ width: size, height: size, snakeIds: ids, rules, rng });
  const found: GameState[] = [];
  while (found.length < count) {
    const next = advance(state, randomSurvivingMoves(state, rules, rng), rules, rng);
    const alive = next.snakes.filter((s) => s.elimination === undefined);
    if (alive.length < 2) break;
    state = next;
    if (state.turn >= fromTurn) found.push(requestFromSim(state, alive[0]?.id ?? '', rules));
  }
  return found;
}

/** Each strategy is measured for at most this long; search strategies spend their whole budget. */
const COMPUTE_CAP_MS = 5000;

async function computeTable(title: string, boards: GameState[], rounds: number): Promise<boolean> {
  let allWithin = true;
  const rows = [];
  for (const strategy of STRATEGIES) {
    const times: number[] = [];
    const began = performance.now();
    for (let r = 0; r < rounds && performance.now() - began < COMPUTE_CAP_MS; r++) {
      for (const board of boards) {
        const started = performance.now();
        const ctx = {
          rules: rulesFor(board.game),
          deadlineAt: started + BUDGET_MS,
          budgetMs: BUDGET_MS,
          random: Math.random,
        };
        await strategy.move(board, ctx);
        times.push(performance.now() - started);
      }
    }
    const p99 = percentile(times, 99);
    const within = p99 <= BUDGET_MS / 2;
    allWithin &&= within;
    rows.push({
      strategy: strategy.name,
      moves: times.length,
      'p50 ms': percentile(times, 50),
      'p99 ms': p99,
      'p99/budget': p99 / BUDGET_MS,
      'target <= 0.5': within ? 'ok' : 'MISSED',
    });
  }
  printTable(
    `${title}: move compute time over ${boards.length * rounds} moves, budget ${BUDGET_MS} ms`,
    rows,
    3,
  );
  return allWithin;
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  bad: number;
  /** Server CPU time per answered request, in microseconds (NaN where /proc is missing). */
  cpuUs: number;
}

/**
 * CPU time a process has used, in milliseconds, from /proc (Linux; 10 ms ticks). CPU per request
 * barely moves when other work competes for the cores, unlike throughput, so its ratio is the
 * steadier estimate of the throughput ratio an idle machine would show.
 */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

async function load(url: string, body: string, pid?: number, overallRate?: number): Promise<Load> {
  const cpuBefore = cpuMs(pid);
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: 10,
    duration: HTTP_SECONDS,
    ...(overallRate === undefined ? {} : { overallRate }),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    bad: result.non2xx + result.errors + result.timeouts,
    cpuUs: ((cpuMs(pid) - cpuBefore) * 1000) / Math.max(1, result.requests.total),
  };
}

async function startServers(): Promise<{
  api: ServiceProcess;
  bare: ServiceProcess;
  apiBase: string;
  bareBase: string;
}> {
  const [apiPort, barePort] = [await freePort(), await freePort()];
  const api = await startService({
    entry: 'services/snake-api/src/main.ts',
    env: { PORT: String(apiPort), PERSIST_MODE: 'off', LOG_LEVEL: 'warn' },
  });
  const bare = await startService({
    entry: 'test/helpers/api-bare-server.ts',
    env: { PORT: String(barePort) },
  });
  return {
    api,
    bare,
    apiBase: `http://127.0.0.1:${apiPort}`,
    bareBase: `http://127.0.0.1:${barePort}`,
  };
}

/** The median of each field over several measurements. */
function medianLoad(runs: Load[]): Load {
  const pick = (f: (l: Load) => number) => percentile(runs.map(f), 50);
  return {
    rps: pick((l) => l.rps),
    p50: pick((l) => l.p50),
    p99: pick((l) => l.p99),
    bad: runs.reduce((n, l) => n + l.bad, 0),
    cpuUs: pick((l) => l.cpuUs),
  };
}

/**
 * Measures every target once per round, rounds interleaved, and keeps the median per target:
 * a burst of noise from other work on the machine then hits one round of every target alike
 * instead of all rounds of one target.
 */
/** A server to load: its row name, its /move URL and its process (for CPU time). */
interface Target {
  name: string;
  url: string;
  pid: number | undefined;
}

async function interleaved(targets: Target[], body: string, rate?: number) {
  const runs = new Map<string, Load[]>(targets.map((t) => [t.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of targets) runs.get(t.name)?.push(await load(t.url, body, t.pid, rate));
  }
  return new Map([...runs].map(([name, list]) => [name, medianLoad(list)]));
}

async function httpTables(body: string): Promise<void> {
  const { api, bare, apiBase, bareBase } = await startServers();
  try {
    const bareTarget = { name: 'bare express 5', url: `${bareBase}/move`, pid: bare.child.pid };
    const targets: Target[] = [
      bareTarget,
      ...STRATEGIES.map((s) => ({
        name: s.name,
        url: `${apiBase}/${s.name}/move`,
        pid: api.child.pid,
      })),
    ];
    const carolTarget = targets.find((t) => t.name === 'cautious_carol') as Target;
    // Warm both servers (JIT) before measuring anything.
    await load(bareTarget.url, body, undefined, 2000);
    await load(carolTarget.url, body, undefined, 2000);

    const measured = await interleaved(targets, body);
    const baseline = measured.get(bareTarget.name) as Load;
    const rows = [...measured].map(([name, m]) => row(name, m, baseline));
    const title = `/move over HTTP, 10 connections, median of ${ROUNDS} interleaved ${HTTP_SECONDS} s rounds (11x11, 4 snakes)`;
    printTable(title, rows);

    const carol = measured.get(carolTarget.name) as Load;
    const fixed = await interleaved([bareTarget, carolTarget], body, FIXED_RATE);
    const bareFixed = fixed.get(bareTarget.name) as Load;
    const carolFixed = fixed.get(carolTarget.name) as Load;
    const throughput = carol.rps / baseline.rps;
    const cpuRatio = baseline.cpuUs / carol.cpuUs;
    // autocannon reports whole milliseconds; a 0 or 1 ms p99 is compared as 1 ms.
    const tail = Math.max(1, carolFixed.p99) / Math.max(1, bareFixed.p99);
    printTable(`targets (ratios within this run)`, [
      target('cautious_carol throughput / bare', throughput, '>= 0.75', throughput >= 0.75),
      target(
        'the same, estimated from CPU per request: bare / cautious_carol',
        cpuRatio,
        '>= 0.75',
        cpuRatio >= 0.75,
      ),
      target(
        `p99 at ${FIXED_RATE} req/s: cautious_carol / bare (${carolFixed.p99} / ${bareFixed.p99} ms)`,
        tail,
        '<= 1.5',
        tail <= 1.5,
      ),
    ]);
  } finally {
    await Promise.all([api.stop(), bare.stop()]);
  }
}

function row(name: string, m: Load, baseline: Load): Record<string, string | number> {
  return {
    target: name,
    'req/s': Math.round(m.rps),
    'vs bare': m.rps / baseline.rps,
    'p50 ms': m.p50,
    'p99 ms': m.p99,
    'CPU us/req': Math.round(m.cpuUs),
    'non-2xx/errors': m.bad,
  };
}

function target(name: string, value: number, goal: string, met: boolean) {
  return { target: name, value, goal, met: met ? 'ok' : 'MISSED' };
}

const suite: BenchSuite = {
  name: 'api',
  async run() {
    const small = positions(11, 4, 30, 20);
    const large = positions(19, 8, 40, 20);
    await computeTable('11x11, 4 snakes', small, 15);
    await computeTable('19x19, 8 snakes', large, 10);
    await httpTables(JSON.stringify(small[small.length - 1]));
  },
};

export default suite;
