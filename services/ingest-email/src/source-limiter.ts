/**
 * Fixed-window counter per source (client IP): at most `max` events per `windowMs`. Small on
 * purpose; an SMTP listener has no rate-limit plugin, and one sender must not starve the rest.
 */
export class SourceLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Counts one event; false when the source is over its limit for the current window. */
  take(source: string): boolean {
    const now = this.clock();
    const window = this.windows.get(source);
    if (!window || now - window.start >= this.windowMs) {
      // Forget finished windows now and then so the map stays bounded by active sources.
      if (this.windows.size > 10_000) this.sweep(now);
      this.windows.set(source, { start: now, count: 1 });
      return true;
    }
    window.count += 1;
    return window.count <= this.max;
  }

  private sweep(now: number): void {
    for (const [source, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(source);
  }
}
