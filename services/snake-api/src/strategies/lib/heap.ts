// A binary min-heap of integer items keyed by numbers, for A*'s open set. Duplicate pushes are
// allowed (A* skips stale entries by re-checking cost), which keeps the heap free of a position
// index.

/** A min-heap of (item, key) pairs; `pop` returns the item with the smallest key. */
export class MinHeap {
  private items: number[] = [];
  private keys: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: number, key: number): void {
    const items = this.items;
    const keys = this.keys;
    let i = items.length;
    items.push(item);
    keys.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((keys[parent] as number) <= key) break;
      items[i] = items[parent] as number;
      keys[i] = keys[parent] as number;
      i = parent;
    }
    items[i] = item;
    keys[i] = key;
  }

  /** Removes and returns the item with the smallest key; the heap must not be empty. */
  pop(): number {
    const items = this.items;
    const keys = this.keys;
    const top = items[0] as number;
    const lastItem = items.pop() as number;
    const lastKey = keys.pop() as number;
    const n = items.length;
    if (n === 0) return top;

    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && (keys[right] as number) < (keys[left] as number) ? right : left;
      if ((keys[child] as number) >= lastKey) break;
      items[i] = items[child] as number;
      keys[i] = keys[child] as number;
      i = child;
    }
    items[i] = lastItem;
    keys[i] = lastKey;
    return top;
  }
}
