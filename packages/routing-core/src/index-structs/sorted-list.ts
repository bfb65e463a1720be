/** Orders two items: negative when `a` sorts first. Must be a total order (no ties between distinct items). */
export type Comparator<T> = (a: T, b: T) => number;

/** Chunks split past this size; a few hundred keeps splices cheap and the chunk index short. */
const MAX_CHUNK = 512;

/**
 * An ordered set backed by a list of sorted chunks (the "sorted containers" layout): insert,
 * delete and lookup are a binary search over chunk heads plus one over a chunk, then a short
 * splice — O(log n) compares and O(√-ish) memmove, fast in practice to millions of items.
 * Items must be distinct under the comparator; the comparator is the identity.
 */
export class SortedList<T> {
  private readonly chunks: T[][] = [];
  private count = 0;

  constructor(private readonly compare: Comparator<T>) {}

  get size(): number {
    return this.count;
  }

  /** The first item in order, or undefined when empty. O(1). */
  first(): T | undefined {
    return this.chunks[0]?.[0];
  }

  /** Inserts `item`; returns false when an equal item is already present. */
  add(item: T): boolean {
    if (this.chunks.length === 0) {
      this.chunks.push([item]);
      this.count = 1;
      return true;
    }
    const ci = this.chunkFor(item);
    const chunk = this.chunks[ci] as T[];
    const i = this.lowerBound(chunk, item);
    const at = chunk[i];
    if (at !== undefined && this.compare(at, item) === 0) return false;
    chunk.splice(i, 0, item);
    this.count += 1;
    if (chunk.length > MAX_CHUNK) this.chunks.splice(ci + 1, 0, chunk.splice(MAX_CHUNK >> 1));
    return true;
  }

  /** Removes the item equal to `item`; returns false when absent. */
  delete(item: T): boolean {
    if (this.chunks.length === 0) return false;
    const ci = this.chunkFor(item);
    const chunk = this.chunks[ci] as T[];
    const i = this.lowerBound(chunk, item);
    const at = chunk[i];
    if (at === undefined || this.compare(at, item) !== 0) return false;
    chunk.splice(i, 1);
    this.count -= 1;
    if (chunk.length === 0) this.chunks.splice(ci, 1);
    return true;
  }

  /** True when an item equal to `item` is present. */
  has(item: T): boolean {
    return this.rank(item) >= 0;
  }

  /** 0-based place of `item` in order, or -1 when absent. O(chunks) for the prefix sum. */
  rank(item: T): number {
    if (this.chunks.length === 0) return -1;
    const ci = this.chunkFor(item);
    const chunk = this.chunks[ci] as T[];
    const i = this.lowerBound(chunk, item);
    const at = chunk[i];
    if (at === undefined || this.compare(at, item) !== 0) return -1;
    let before = 0;
    for (let c = 0; c < ci; c++) before += (this.chunks[c] as T[]).length;
    return before + i;
  }

  /** Number of items ordered strictly before `item` (present or not). */
  countBefore(item: T): number {
    if (this.chunks.length === 0) return 0;
    const ci = this.chunkFor(item);
    let before = 0;
    for (let c = 0; c < ci; c++) before += (this.chunks[c] as T[]).length;
    return before + this.lowerBound(this.chunks[ci] as T[], item);
  }

  /** Items in order. Do not mutate the list while iterating. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (const chunk of this.chunks) yield* chunk;
  }

  /** The chunk whose range should hold `item`: the last chunk whose head is ≤ item (or the first). */
  private chunkFor(item: T): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.compare((this.chunks[mid] as T[])[0] as T, item) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private lowerBound(chunk: readonly T[], item: T): number {
    let lo = 0;
    let hi = chunk.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.compare(chunk[mid] as T, item) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
