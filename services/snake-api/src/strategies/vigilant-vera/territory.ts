// Who owns which square: a breadth-first race from every alive head at once (a Voronoi
// partition by moves, not by straight-line distance). Bodies block a square until the turn their
// segment leaves it, so a snake may plan through squares that are about to free up. Buffers are
// allocated once per search and reused for every position it evaluates; a search owns its own
// Territory, so concurrent searches never share one.
import {
  DIRECTIONS,
  isConstrictorGame,
  isWrappedGame,
  type Direction,
  type Rules,
  type SimSnake,
  type SimState,
} from '@snakepit/battlesnake';

/** A square no snake owns: reached first by two snakes of equal length at once. */
const CONTESTED = -2;
const UNREACHED = -1;
/** A body segment that never leaves within any horizon (constrictor snakes never shrink). */
const NEVER = 1 << 30;

/** What the race found for one snake. */
export interface Share {
  /** Squares this snake reaches strictly first, hazard squares weighted by `hazardWeight`. */
  area: number;
  /** Moves from the head to the nearest food it owns, or -1 when it owns none. */
  foodDistance: number;
}

/** Reusable buffers and the fixed geometry of one board (neighbours, hazards). */
export class Territory {
  readonly width: number;
  readonly height: number;
  private readonly neighbours: Int32Array;
  private readonly hazardCount: Uint8Array;
  private readonly freeAt: Int32Array;
  private readonly owner: Int16Array;
  private readonly distance: Int32Array;
  private readonly queue: Int32Array;
  private readonly food: Uint8Array;
  private readonly growsEveryTurn: boolean;

  /** Geometry for `state`'s board under `rules`; hazards are read once (a search never changes them). */
  constructor(state: SimState, rules: Rules) {
    this.width = state.width;
    this.height = state.height;
    const size = state.width * state.height;
    this.neighbours = neighbourTable(state.width, state.height, isWrappedGame(rules.gameType));
    this.hazardCount = new Uint8Array(size);
    for (const h of state.hazards) {
      const at = this.indexOf(h.x, h.y);
      if (at >= 0) this.hazardCount[at] = Math.min(255, (this.hazardCount[at] as number) + 1);
    }
    this.freeAt = new Int32Array(size);
    this.owner = new Int16Array(size);
    this.distance = new Int32Array(size);
    this.queue = new Int32Array(size);
    this.food = new Uint8Array(size);
    this.growsEveryTurn = isConstrictorGame(rules.gameType);
  }

  /** The flat index of (x, y), or -1 off the board. */
  indexOf(x: number, y: number): number {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return -1;
    return y * this.width + x;
  }

  /** True when the square holds at least one hazard copy. */
  isHazard(index: number): boolean {
    return (this.hazardCount[index] as number) > 0;
  }

  /**
   * Races every snake in `snakes` (alive, with bodies) from its head; `shares[i]` receives
   * snake i's result. Ties on the same move go to the strictly longer snake, otherwise nobody.
   */
  race(state: SimState, snakes: readonly SimSnake[], shares: Share[], hazardWeight: number): void {
    this.markBodies(state, snakes);
    const { owner, distance, queue, freeAt, neighbours } = this;
    let tail = 0;
    for (let k = 0; k < snakes.length; k++) {
      const head = (snakes[k] as SimSnake).body[0];
      const at = head === undefined ? -1 : this.indexOf(head.x, head.y);
      shares[k] = { area: 0, foodDistance: -1 };
      if (at < 0 || owner[at] !== UNREACHED) continue;
      owner[at] = k;
      distance[at] = 0;
      queue[tail++] = at;
    }

    for (let headOfQueue = 0; headOfQueue < tail; headOfQueue++) {
      const at = queue[headOfQueue] as number;
      const by = owner[at] as number;
      if (by === CONTESTED) continue;
      const t = (distance[at] as number) + 1;
      for (let d = 0; d < 4; d++) {
        const next = neighbours[at * 4 + d] as number;
        if (next < 0 || t < (freeAt[next] as number)) continue;
        const seenBy = owner[next] as number;
        if (seenBy === UNREACHED) {
          owner[next] = by;
          distance[next] = t;
          queue[tail++] = next;
        } else if (distance[next] === t && seenBy !== by && seenBy !== CONTESTED) {
          owner[next] = tieWinner(snakes, seenBy, by);
        }
      }
    }
    this.tally(queue, tail, shares, hazardWeight);
  }

  /**
   * The number of squares `snake` can reach from its head when it races nobody (others' bodies
   * still block until they leave), stopping once `limit` are found.
   */
  reach(state: SimState, snakes: readonly SimSnake[], snake: SimSnake, limit: number): number {
    this.markBodies(state, snakes);
    const head = snake.body[0];
    const start = head === undefined ? -1 : this.indexOf(head.x, head.y);
    if (start < 0) return 0;
    const { owner, distance, queue, freeAt, neighbours } = this;
    owner[start] = 0;
    distance[start] = 0;
    queue[0] = start;
    let tail = 1;
    for (let i = 0; i < tail && tail <= limit; i++) {
      const at = queue[i] as number;
      const t = (distance[at] as number) + 1;
      for (let d = 0; d < 4; d++) {
        const next = neighbours[at * 4 + d] as number;
        if (next < 0 || owner[next] !== UNREACHED || t < (freeAt[next] as number)) continue;
        owner[next] = 0;
        distance[next] = t;
        queue[tail++] = next;
      }
    }
    return Math.min(tail - 1, limit);
  }

  /**
   * Moves from `snake`'s head to the nearest food it can reach at all, racing nobody (others'
   * bodies still block until they leave), or -1 when none is reachable.
   */
  foodDistance(state: SimState, snakes: readonly SimSnake[], snake: SimSnake): number {
    if (state.food.length === 0) return -1;
    this.markBodies(state, snakes);
    const head = snake.body[0];
    const start = head === undefined ? -1 : this.indexOf(head.x, head.y);
    if (start < 0) return -1;
    const { owner, distance, queue, freeAt, neighbours, food } = this;
    owner[start] = 0;
    distance[start] = 0;
    queue[0] = start;
    let tail = 1;
    for (let i = 0; i < tail; i++) {
      const at = queue[i] as number;
      if (food[at] === 1) return distance[at] as number;
      const t = (distance[at] as number) + 1;
      for (let d = 0; d < 4; d++) {
        const next = neighbours[at * 4 + d] as number;
        if (next < 0 || owner[next] !== UNREACHED || t < (freeAt[next] as number)) continue;
        owner[next] = 0;
        distance[next] = t;
        queue[tail++] = next;
      }
    }
    return -1;
  }

  /** Clears the buffers and marks when each body square frees up, and where food lies. */
  private markBodies(state: SimState, snakes: readonly SimSnake[]): void {
    this.owner.fill(UNREACHED);
    this.freeAt.fill(0);
    this.food.fill(0);
    for (const s of snakes) {
      const length = s.body.length;
      for (let i = 0; i < length; i++) {
        const p = s.body[i];
        const at = p === undefined ? -1 : this.indexOf(p.x, p.y);
        if (at < 0) continue;
        // Segment i leaves after length - i moves (the tail after one); growing snakes never.
        const leaves = this.growsEveryTurn ? NEVER : length - i;
        if (leaves > (this.freeAt[at] as number)) this.freeAt[at] = leaves;
      }
    }
    for (const f of state.food) {
      const at = this.indexOf(f.x, f.y);
      if (at >= 0) this.food[at] = 1;
    }
  }

  private tally(queue: Int32Array, count: number, shares: Share[], hazardWeight: number): void {
    for (let i = 0; i < count; i++) {
      const at = queue[i] as number;
      const by = this.owner[at] as number;
      const share = shares[by];
      if (share === undefined) continue;
      share.area += this.isHazard(at) ? hazardWeight : 1;
      if (this.food[at] === 1 && share.foodDistance < 0) {
        // The queue is in distance order, so the first owned food is the nearest.
        share.foodDistance = this.distance[at] as number;
      }
    }
  }
}

function tieWinner(snakes: readonly SimSnake[], a: number, b: number): number {
  const lengthA = snakes[a]?.body.length ?? 0;
  const lengthB = snakes[b]?.body.length ?? 0;
  if (lengthA > lengthB) return a;
  if (lengthB > lengthA) return b;
  return CONTESTED;
}

/** For each square, its four neighbours in DIRECTIONS order (-1 off the board). */
function neighbourTable(width: number, height: number, wrap: boolean): Int32Array {
  const table = new Int32Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      DIRECTIONS.forEach((d, k) => {
        table[(y * width + x) * 4 + k] = moveCoordIndex(x, y, d, width, height, wrap);
      });
    }
  }
  return table;
}

/** The flat index one move from (x, y), wrapping if asked, or -1 when that leaves the board. */
function moveCoordIndex(
  x: number,
  y: number,
  d: Direction,
  width: number,
  height: number,
  wrap: boolean,
): number {
  let nx = x + (d === 'right' ? 1 : d === 'left' ? -1 : 0);
  let ny = y + (d === 'up' ? 1 : d === 'down' ? -1 : 0);
  if (wrap) {
    nx = (nx + width) % width;
    ny = (ny + height) % height;
  }
  return nx < 0 || ny < 0 || nx >= width || ny >= height ? -1 : ny * width + nx;
}
