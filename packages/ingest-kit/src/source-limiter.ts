/** The answer of {@link SourceLimiter.take}. */
export type LimitDecision =
  | { readonly allowed: true }
  /** Over the limit: the source's window reopens in `retryAfterMs`. */
  | { readonly allowed: false; readonly retryAfterMs: number };

/**
 * Fixed-window counter per source (client IP, chat session...): at most `max` events per
 * `windowMs`. For edges without a rate-limit plugin (SMTP, gRPC, WebSocket frames), so one
 * sender cannot starve the rest; the refusal says when to come back.
 */
export class SourceLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    if (!(Number.isInteger(max) && max > 0) || !(windowMs > 0)) throw new RangeError('a limit needs max ≥ 1 and a positive window');
  }

  /** Counts one event of `source`; refused when the source is over its limit for the current window. */
  take(source: string): LimitDecision {
    const now = this.clock();
    const window = this.windows.get(source);
    if (!window || now - window.start >= this.windowMs) {
      // Forget finished windows now and then so the map stays bounded by active sources; at most
      // once a window, so many active sources do not make every new window a full scan.
      if (this.windows.size > 10_000 && now - this.lastSweep >= this.windowMs) this.sweep(now);
      this.windows.set(source, { start: now, count: 1 });
      return { allowed: true };
    }
    window.count += 1;
    if (window.count <= this.max) return { allowed: true };
    return { allowed: false, retryAfterMs: Math.max(1, window.start + this.windowMs - now) };
  }

  /**
   * Whether `source` is over its limit in the current window, without counting an event: a gate
   * in front of work whose outcome decides what to count (an address whose unauthenticated
   * requests already used its window is refused before its next body is read).
   */
  peek(source: string): LimitDecision {
    const now = this.clock();
    const window = this.windows.get(source);
    if (!window || now - window.start >= this.windowMs || window.count < this.max) return { allowed: true };
    return { allowed: false, retryAfterMs: Math.max(1, window.start + this.windowMs - now) };
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [source, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(source);
  }
}

/** Whole seconds to announce for a wait of `ms` (at least 1: `Retry-After: 0` invites a hot loop). */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
