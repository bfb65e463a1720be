import { describe, expect, it } from 'vitest';
import { decideSurge, INITIAL_SURGE_STATE, pinSurge, releaseSurgePin, type SurgeState } from './decide-surge.js';
import type { ForecastInput } from './forecast.js';

const policy = { targetShare: 0.8, exitMargin: 0.05, exitIntervals: 3 };
/** 40 agents, AHT 180 s, 20 s threshold; λ picks the load. */
const at = (lambda: number, extra: Partial<ForecastInput> = {}): ForecastInput =>
  ({ arrivalsPerSecond: lambda, handleSeconds: 180, agents: 40, withinSeconds: 20, ...extra });
const calm = at(0.15); // 27 Erlangs on 40 agents: SL ≈ 99 %
const busy = at(0.21); // 37.8 Erlangs: SL ≈ 50 %

describe('decideSurge', () => {
  it('enters when the forecast falls below target, with a readable reason', () => {
    const quiet = decideSurge(INITIAL_SURGE_STATE, calm, policy, 1000);
    expect(quiet.change).toBeUndefined();
    expect(quiet.forecast?.serviceLevel).toBeGreaterThan(0.95);
    const d = decideSurge(quiet.state, busy, policy, 61_000);
    expect(d.change).toMatchObject({ active: true });
    expect(d.change?.predictedServiceLevel).toBe(d.forecast?.serviceLevel);
    expect(d.change?.reason).toMatch(/^forecast service level \d+% < target 80% \(λ 0\.21\/s, AHT 180 s, 40 agents\)$/);
    expect(d.state).toEqual({ active: true, belowIntervals: 0, calmIntervals: 0, sinceMs: 61_000 });
  });

  it('names the patience when the forecast used one', () => {
    const d = decideSurge(INITIAL_SURGE_STATE, at(0.25, { patienceSeconds: 120 }), policy, 0);
    expect(d.forecast?.model).toBe('A');
    expect(d.change?.reason).toMatch(/\(λ 0\.25\/s, AHT 180 s, patience 120 s, 40 agents\)$/);
  });

  it('leaves only after the forecast is above target + margin for N intervals in a row', () => {
    let state: SurgeState = decideSurge(INITIAL_SURGE_STATE, busy, policy, 0).state;
    // Just above the target but inside the margin: stays in surge however long it lasts.
    const hovering = at(0.195); // 35.1 Erlangs on 40: SL ≈ 81 %
    for (let i = 1; i <= 5; i++) {
      const d = decideSurge(state, hovering, policy, i * 60_000);
      expect(d.forecast!.serviceLevel).toBeGreaterThan(0.8);
      expect(d.forecast!.serviceLevel).toBeLessThan(0.85);
      expect(d.change).toBeUndefined();
      state = d.state;
    }
    // Two calm intervals, then a relapse resets the count.
    state = decideSurge(state, calm, policy, 360_000).state;
    state = decideSurge(state, calm, policy, 420_000).state;
    expect(state.calmIntervals).toBe(2);
    state = decideSurge(state, hovering, policy, 480_000).state;
    expect(state).toMatchObject({ active: true, calmIntervals: 0 });
    const changes = [540_000, 600_000, 660_000].map((t) => {
      const d = decideSurge(state, calm, policy, t);
      state = d.state;
      return d.change;
    });
    expect(changes.slice(0, 2)).toEqual([undefined, undefined]);
    expect(changes[2]).toMatchObject({ active: false });
    expect(changes[2]?.reason).toMatch(/^forecast service level \d+% ≥ 85% \(target 80% \+ 5 pt\) for 3 intervals \(λ 0\.15\/s, AHT 180 s, 40 agents\)$/);
    expect(state).toEqual({ active: false, belowIntervals: 0, calmIntervals: 0, sinceMs: 660_000 });
  });

  it('can require several intervals below target before entering', () => {
    const slow = { ...policy, enterIntervals: 2 };
    const first = decideSurge(INITIAL_SURGE_STATE, busy, slow, 0);
    expect(first.change).toBeUndefined();
    expect(first.state.belowIntervals).toBe(1);
    expect(decideSurge(decideSurge(first.state, calm, slow, 1).state, busy, slow, 2).change).toBeUndefined();
    expect(decideSurge(first.state, busy, slow, 1).change?.active).toBe(true);
  });

  it('never flips a queue a supervisor pinned, either way', () => {
    const on = pinSurge(INITIAL_SURGE_STATE, { active: true, by: 'sam', reason: 'storm outage' }, 5000);
    expect(on.change).toEqual({ active: true, reason: 'surge switched on by supervisor sam: storm outage', predictedServiceLevel: NaN });
    let state = on.state;
    for (let i = 0; i < 10; i++) {
      const d = decideSurge(state, calm, policy, 6000 + i);
      expect(d.change).toBeUndefined();
      expect(d.forecast).toBeDefined();
      state = d.state;
    }
    expect(state).toMatchObject({ active: true, pinnedBy: 'sam', sinceMs: 5000 });
    const off = pinSurge(state, { active: false, by: 'sam' }, 9000);
    expect(off.change?.reason).toBe('surge switched off by supervisor sam');
    expect(decideSurge(off.state, busy, policy, 10_000).change).toBeUndefined();
    // Pinning the state it is already in holds it without a change.
    expect(pinSurge(off.state, { active: false, by: 'kim' }, 11_000)).toEqual({ state: { ...off.state, pinnedBy: 'kim' } });
    // Released, the forecast decides again.
    const released = releaseSurgePin(off.state);
    expect(released.pinnedBy).toBeUndefined();
    expect(decideSurge(released, busy, policy, 12_000).change?.active).toBe(true);
  });

  it('keeps the state when no handle time has been measured yet', () => {
    expect(decideSurge(INITIAL_SURGE_STATE, at(0.3, { handleSeconds: NaN }), policy, 0)).toEqual({ state: INITIAL_SURGE_STATE });
  });

  it('shows a decimal when whole percents would read as equal to the target', () => {
    // 13 agents on the classic 10-Erlang example: 79.6 % within 20 s.
    const d = decideSurge(INITIAL_SURGE_STATE, { arrivalsPerSecond: 100 / 1800, handleSeconds: 180, agents: 13, withinSeconds: 20 }, policy, 0);
    expect(d.change?.reason).toMatch(/^forecast service level 79\.\d% < target 80% \(λ 0\.056\/s, AHT 180 s, 13 agents\)$/);
  });

  it('counts the backlog now waiting over the horizon, and says so', () => {
    const steady = decideSurge(INITIAL_SURGE_STATE, { ...calm, waiting: 0, horizonSeconds: 300 }, policy, 0);
    expect(steady.change).toBeUndefined();
    // 0.15/s plus 18 waiting to serve within 300 s: 0.21/s, the same forecast as `busy`.
    const backlog = decideSurge(INITIAL_SURGE_STATE, { ...calm, waiting: 18, horizonSeconds: 300 }, policy, 0);
    expect(backlog.forecast?.serviceLevel).toBeCloseTo(decideSurge(INITIAL_SURGE_STATE, busy, policy, 0).forecast!.serviceLevel, 12);
    expect(backlog.change?.reason).toMatch(/\(λ 0\.15\/s, 18 waiting, AHT 180 s, 40 agents\)$/);
  });
});
