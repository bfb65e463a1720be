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

  it('forgets finished windows, scanning at most once a window however many sources are active', () => {
    let now = 0;
    const limiter = new SourceLimiter(1, 1_000, () => now);
    const windows = (limiter as unknown as { windows: Map<string, unknown> }).windows;
    let scans = 0;
    const iterate = windows[Symbol.iterator].bind(windows);
    windows[Symbol.iterator] = () => { scans += 1; return iterate(); };
    for (let i = 0; i <= 10_000; i++) limiter.take(`old-${i}`);
    now = 1_000; // every window above has ended
    limiter.take('new-0'); // over 10 000 held: the finished ones are swept
    expect([scans, windows.size]).toEqual([1, 1]);
    for (let i = 1; i <= 10_001; i++) limiter.take(`new-${i}`);
    // Over 10 000 again, all active, swept less than a window ago: new sources cost no scan.
    expect(scans).toBe(1);
    expect(windows.size).toBe(10_002);
    expect(limiter.take('new-5')).toMatchObject({ allowed: false });
    now = 2_000; // a window later the next new source sweeps again
    limiter.take('later');
    expect([scans, windows.size]).toEqual([2, 1]);
  });

  it('rounds waits up to whole seconds, never 0', () => {
    expect([1, 999, 1_000, 1_001, 0].map(retryAfterSeconds)).toEqual([1, 1, 1, 2, 1]);
  });

  it('refuses a limit that could never allow anything', () => {
    expect(() => new SourceLimiter(0, 1_000)).toThrow(RangeError);
    expect(() => new SourceLimiter(1, 0)).toThrow(RangeError);
  });
});
