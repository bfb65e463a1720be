/**
 * First-contact resolution by the industry's definition: a contact counts as resolved on first
 * contact when its agent said so AND the same customer made no other contact, on any channel,
 * from its arrival until `window` after its resolution. A resolution is provisional until its
 * window passes (then it is confirmed) or a repeat contact voids it. Unresolved outcomes settle
 * at once. FCR = confirmed / (confirmed + voided + unresolved); provisional ones wait outside.
 *
 * Pure and incremental. Memory: the live contacts of identified customers (until their outcome
 * or end) and the resolutions still inside their window (at most the window's resolutions).
 */
export class FcrTracker {
  private readonly live = new Map<string, LiveEntry>();
  private readonly liveByCustomer = new Map<string, Set<string>>();
  private readonly pendingByQueue = new Map<string, Provisional[]>();
  private readonly pendingByCustomer = new Map<string, Provisional[]>();
  private readonly settled = new Map<string, Settled>();

  /**
   * `windowMsOf(queueId)`: the queue's FCR window in ms, read whenever a resolution's window is
   * checked (so a changed window applies to the resolutions still open).
   */
  constructor(private readonly windowMsOf: (queueId: string) => number) {}

  /** A contact of `customerKey` arrived: every earlier contact of theirs is repeated. */
  identified(contactId: string, customerKey: string, atMs: number): void {
    this.settleUntil(atMs);
    for (const earlier of this.liveByCustomer.get(customerKey) ?? []) {
      const entry = this.live.get(earlier);
      if (entry !== undefined) entry.repeated = true;
    }
    for (const p of this.pendingByCustomer.get(customerKey) ?? []) {
      if (p.state !== 'pending') continue;
      p.state = 'voided';
      this.figures(p.queueId).voided++;
    }
    this.pendingByCustomer.delete(customerKey);
    this.live.set(contactId, { customerKey, repeated: false });
    let set = this.liveByCustomer.get(customerKey);
    if (set === undefined) this.liveByCustomer.set(customerKey, (set = new Set()));
    set.add(contactId);
  }

  /** The agent's outcome of a contact (once per contact). `counted`: inside the KPI's window. */
  outcome(contactId: string, queueId: string, resolved: boolean, atMs: number, counted = true): void {
    this.settleUntil(atMs);
    const entry = this.live.get(contactId);
    if (!counted) return;
    if (!resolved || entry?.repeated === true) {
      const f = this.figures(queueId);
      if (resolved) f.voided++;
      else f.unresolved++;
      return;
    }
    // Without a customer no repeat can be seen: the resolution still waits out its window.
    const p: Provisional = { queueId, customerKey: entry?.customerKey, resolvedAtMs: atMs, state: 'pending' };
    push(this.pendingByQueue, queueId, p);
    if (p.customerKey !== undefined) push(this.pendingByCustomer, p.customerKey, p);
  }

  /** The contact is over (wrap-up ended, abandoned, expired, left the domain): stop watching it. */
  ended(contactId: string): void {
    const entry = this.live.get(contactId);
    if (entry === undefined) return;
    this.live.delete(contactId);
    const set = this.liveByCustomer.get(entry.customerKey);
    set?.delete(contactId);
    if (set?.size === 0) this.liveByCustomer.delete(entry.customerKey);
  }

  /** The queue's FCR figures as of `atMs` (resolutions whose window has passed by then are confirmed). */
  figuresAt(queueId: string, atMs: number): FcrFigures {
    const f = this.settled.get(queueId) ?? { confirmed: 0, voided: 0, unresolved: 0 };
    let confirmed = f.confirmed;
    let provisional = 0;
    const windowMs = this.windowMsOf(queueId);
    for (const p of this.pendingByQueue.get(queueId) ?? []) {
      if (p.state !== 'pending') continue;
      if (p.resolvedAtMs + windowMs <= atMs) confirmed++;
      else provisional++;
    }
    const settledCount = confirmed + f.voided + f.unresolved;
    return { confirmed, voided: f.voided, unresolved: f.unresolved, provisional, rate: settledCount > 0 ? confirmed / settledCount : Number.NaN };
  }

  /** Confirms the resolutions whose window has passed (events come in time order, so each list is oldest first). */
  private settleUntil(atMs: number): void {
    for (const [queueId, list] of this.pendingByQueue) {
      const windowMs = this.windowMsOf(queueId);
      let n = 0;
      while (n < list.length && (list[n]!.state !== 'pending' || list[n]!.resolvedAtMs + windowMs <= atMs)) {
        const p = list[n++]!;
        if (p.state === 'pending') { p.state = 'confirmed'; this.figures(queueId).confirmed++; }
        if (p.customerKey !== undefined) this.unlinkPending(p.customerKey, p);
      }
      if (n === list.length) this.pendingByQueue.delete(queueId);
      else if (n > 0) list.splice(0, n);
    }
  }

  private unlinkPending(customerKey: string, p: Provisional): void {
    const list = this.pendingByCustomer.get(customerKey);
    if (list === undefined) return;
    const i = list.indexOf(p);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.pendingByCustomer.delete(customerKey);
  }

  private figures(queueId: string): Settled {
    let f = this.settled.get(queueId);
    if (f === undefined) this.settled.set(queueId, (f = { confirmed: 0, voided: 0, unresolved: 0 }));
    return f;
  }
}

/** One queue's first-contact-resolution figures. `rate` is NaN while nothing has settled. */
export interface FcrFigures {
  /** Resolved, and no repeat contact within the window (the window has passed). */
  readonly confirmed: number;
  /** Said resolved, but the customer came back within the window. */
  readonly voided: number;
  /** The agent's outcome said not resolved. */
  readonly unresolved: number;
  /** Resolved, window still open: counted in neither part of the rate yet. */
  readonly provisional: number;
  readonly rate: number;
}

interface LiveEntry { readonly customerKey: string; repeated: boolean }
interface Provisional { readonly queueId: string; readonly customerKey: string | undefined; readonly resolvedAtMs: number; state: 'pending' | 'confirmed' | 'voided' }
interface Settled { confirmed: number; voided: number; unresolved: number }

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
