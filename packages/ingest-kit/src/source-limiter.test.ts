import { describe, expect, it } from 'vitest';
import { retryAfterSeconds, SourceLimiter } from './source-limiter.js';

describe('SourceLimiter', () => {
  it('allows max events per window and source, then says when the window reopens', () => {
    let now = 1_000;
    const limiter = new SourceLimiter(2, 10_000, () => now);
    expect(limiter.take('a')).toEqual({ allowed: true });
    now += 3_000;
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('b')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterMs: 7_000 });
    now += 7_000;
    expect(limiter.take('a')).toEqual({ allowed: true });
  });

  it('rounds waits up to whole seconds, never 0', () => {
    expect([1, 999, 1_000, 1_001, 0].map(retryAfterSeconds)).toEqual([1, 1, 1, 2, 1]);
  });

  it('refuses a limit that could never allow anything', () => {
    expect(() => new SourceLimiter(0, 1_000)).toThrow(RangeError);
    expect(() => new SourceLimiter(1, 0)).toThrow(RangeError);
  });
});
