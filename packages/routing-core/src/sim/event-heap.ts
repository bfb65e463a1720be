/**
 * A binary min-heap of timed items for the simulator's future-event list. Ties on time are broken
 * by insertion order, so two events at the same instant always run in the order they were
 * scheduled and a run never depends on heap internals.
 */
export class EventHeap<T> {
  private readonly times: number[] = [];
  private readonly seqs: number[] = [];
  private readonly items: T[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.items.length;
  }

  /** Time of the earliest item, or undefined when empty. */
  peekTime(): number | undefined {
    return this.times[0];
  }

  push(time: number, item: T): void {
    if (Number.isNaN(time)) throw new RangeError('event time is NaN');
    this.times.push(time);
    this.seqs.push(this.nextSeq++);
    this.items.push(item);
    this.siftUp(this.items.length - 1);
  }

  /** Removes and returns the earliest item with its time, or undefined when empty. */
  pop(): { time: number; item: T } | undefined {
    const last = this.items.length - 1;
    if (last < 0) return undefined;
    const time = this.times[0] as number;
    const item = this.items[0] as T;
    this.move(last, 0);
    this.times.pop();
    this.seqs.pop();
    this.items.pop();
    if (last > 0) this.siftDown(0);
    return { time, item };
  }

  private less(a: number, b: number): boolean {
    const ta = this.times[a] as number;
    const tb = this.times[b] as number;
    return ta < tb || (ta === tb && (this.seqs[a] as number) < (this.seqs[b] as number));
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from] as number;
    this.seqs[to] = this.seqs[from] as number;
    this.items[to] = this.items[from] as T;
  }

  private swap(a: number, b: number): void {
    const t = this.times[a] as number;
    const s = this.seqs[a] as number;
    const i = this.items[a] as T;
    this.move(b, a);
    this.times[b] = t;
    this.seqs[b] = s;
    this.items[b] = i;
  }

  private siftUp(index: number): void {
    let child = index;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.less(child, parent)) return;
      this.swap(child, parent);
      child = parent;
    }
  }

  private siftDown(index: number): void {
    const n = this.items.length;
    let parent = index;
    for (;;) {
      const left = 2 * parent + 1;
      if (left >= n) return;
      const right = left + 1;
      const best = right < n && this.less(right, left) ? right : left;
      if (!this.less(best, parent)) return;
      this.swap(best, parent);
      parent = best;
    }
  }
}
