// Reusable work arrays for the searches, so a move allocates nothing per search: at thousands
// of requests per second, fresh typed arrays per flood fill and A* were a quarter of the CPU,
// spent in the garbage collector. Searches are synchronous and never nest, so one set is enough.
// "Visited" marks use a stamp that changes every search, which saves clearing the arrays.

/** Work arrays with room for at least `size` squares, and the first stamp of this search. */
export interface Scratch {
  stamp: number;
  /** `mark[i] === stamp` when square i was touched by this search. */
  mark: Uint32Array;
  ints: Int32Array;
  moreInts: Int32Array;
  costs: Float64Array;
}

const shared: Scratch = {
  stamp: 1,
  mark: new Uint32Array(0),
  ints: new Int32Array(0),
  moreInts: new Int32Array(0),
  costs: new Float64Array(0),
};

let nextStamp = 1;

/**
 * The shared work arrays, grown to `size` squares if need be. The search owns the stamps
 * `stamp` to `stamp + marks - 1`; no later search reuses them until the counter wraps, when the
 * arrays are replaced.
 */
export function scratch(size: number, marks = 1): Scratch {
  if (shared.mark.length < size || nextStamp + marks >= 0xffffffff) {
    shared.mark = new Uint32Array(size);
    shared.ints = new Int32Array(size);
    shared.moreInts = new Int32Array(size);
    shared.costs = new Float64Array(size);
    nextStamp = 1;
  }
  shared.stamp = nextStamp;
  nextStamp += marks;
  return shared;
}
