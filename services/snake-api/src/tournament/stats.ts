// Win rates with honest error bars. The Wilson score interval stays inside [0, 1] and behaves at
// 0 or n wins, where the textbook p ± 1.96·sqrt(p(1-p)/n) collapses to a zero-width interval.
import type { GameResult } from './game.ts';

/** z for a two-sided 95% interval. */
const Z_95 = 1.959964;

/** The Wilson 95% interval for `wins` out of `games`, as fractions; [0, 1] when games is 0. */
export function wilson95(wins: number, games: number): [number, number] {
  if (games === 0) return [0, 1];
  const p = wins / games;
  const z2 = Z_95 * Z_95;
  const centre = (p + z2 / (2 * games)) / (1 + z2 / games);
  const half =
    (Z_95 * Math.sqrt((p * (1 - p)) / games + z2 / (4 * games * games))) / (1 + z2 / games);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** One strategy's record over a tournament. */
export interface Standing {
  strategy: string;
  /** Games it had at least one snake in. */
  games: number;
  /** Games one of its snakes was the last one standing. */
  wins: number;
  /** wins / games. */
  winRate: number;
  /** Wilson 95% interval of winRate. */
  ci95: [number, number];
  /** Moves its snakes made (that a game record shows a time for). */
  moves: number;
  /** Moves slower than the engine's timeout, over all its snakes. */
  timeouts: number;
  /** The 99th percentile of its move times (nearest rank), in ms; 0 without moves. */
  p99MoveMs: number;
  /** Its slowest move, in ms. */
  maxMoveMs: number;
}

/** Standings of every strategy in `names`, best win rate first. */
export function standings(names: readonly string[], results: readonly GameResult[]): Standing[] {
  return names
    .map((strategy) => standingOf(strategy, results))
    .sort((a, b) => b.winRate - a.winRate || a.strategy.localeCompare(b.strategy));
}

function standingOf(strategy: string, results: readonly GameResult[]): Standing {
  let games = 0;
  let wins = 0;
  let timeouts = 0;
  const moveMs: number[] = [];
  for (const r of results) {
    if (!r.seats.includes(strategy)) continue;
    games++;
    if (r.winnerSeat !== undefined && r.seats[r.winnerSeat] === strategy) wins++;
    r.seats.forEach((name, seat) => {
      if (name !== strategy) return;
      timeouts += r.timeouts[seat] ?? 0;
      for (const ms of r.moveMs[seat] ?? []) moveMs.push(ms);
    });
  }
  moveMs.sort((a, b) => a - b);
  const winRate = games === 0 ? 0 : wins / games;
  return {
    strategy,
    games,
    wins,
    winRate,
    ci95: wilson95(wins, games),
    moves: moveMs.length,
    timeouts,
    p99MoveMs: moveMs[Math.ceil(0.99 * moveMs.length) - 1] ?? 0,
    maxMoveMs: moveMs[moveMs.length - 1] ?? 0,
  };
}

/** Games nobody won (everyone eliminated on the same turn, the turn limit, or solo games). */
export function draws(results: readonly GameResult[]): number {
  return results.filter((r) => r.winnerSeat === undefined).length;
}

/** The standings as a Markdown table (for the terminal and the README alike). */
export function standingsTable(rows: readonly Standing[]): string {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const ms = (x: number): string => `${Math.round(x)} ms`;
  const lines = [
    '| strategy | games | wins | win rate | 95% CI | moves | timeouts | p99 move | slowest move |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const ci = `${pct(r.ci95[0])} – ${pct(r.ci95[1])}`;
    lines.push(
      `| ${r.strategy} | ${r.games} | ${r.wins} | ${pct(r.winRate)} | ${ci} | ${r.moves} | ${r.timeouts} | ${ms(r.p99MoveMs)} | ${ms(r.maxMoveMs)} |`,
    );
  }
  return lines.join('\n');
}
