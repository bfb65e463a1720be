import { forecastServiceLevel, type ForecastInput, type ServiceLevelForecast } from './forecast.js';

/** When the forecast puts a queue into surge mode and takes it out again. */
export interface SurgeHysteresis {
  /** The queue's service-level target share (0–1): a forecast below it enters surge. */
  readonly targetShare: number;
  /** Surge ends only once the forecast is ≥ targetShare + exitMargin (default 0.05) ... */
  readonly exitMargin?: number;
  /** ... for this many consecutive intervals (default 3). */
  readonly exitIntervals?: number;
  /** Consecutive intervals below target before surge starts (default 1: at once). */
  readonly enterIntervals?: number;
}

/** One queue's surge state between intervals. Plain data: store it, log it, replay it. */
export interface SurgeState {
  readonly active: boolean;
  /** Who pinned the queue by a supervisor's switch: while set, the forecast never flips it. */
  readonly pinnedBy?: string;
  /** Consecutive intervals the forecast was below target (while not in surge). */
  readonly belowIntervals: number;
  /** Consecutive intervals the forecast was at or above target + margin (while in surge). */
  readonly calmIntervals: number;
  /** When the current state began (epoch ms); absent before the first change. */
  readonly sinceMs?: number;
}

/** A change of surge state to dispatch (as SET_SURGE) and record, with its readable reason. */
export interface SurgeChange {
  readonly active: boolean;
  readonly reason: string;
  readonly predictedServiceLevel: number;
}

/** What {@link decideSurge} returns: the next state, the forecast it used, and a change if any. */
export interface SurgeDecision {
  readonly state: SurgeState;
  /** Absent when the observation could not be forecast (no handle time measured yet). */
  readonly forecast?: ServiceLevelForecast;
  readonly change?: SurgeChange;
}

/**
 * One interval's view of a queue: its live workload, and optionally the backlog now waiting. With
 * `waiting` and `horizonSeconds`, the forecast is for the next `horizonSeconds`: the contacts already
 * queued must be served within it on top of the new arrivals, so the rate forecast is
 * λ + waiting / horizon. At a steady service level the backlog is near zero and changes nothing;
 * when a queue starts to form, it pulls the forecast down before the answered contacts (which
 * the measured service level counts) show it.
 */
export interface SurgeObservation extends ForecastInput {
  readonly waiting?: number;
  readonly horizonSeconds?: number;
}

/** A queue out of surge, unpinned. */
export const INITIAL_SURGE_STATE: SurgeState = { active: false, belowIntervals: 0, calmIntervals: 0 };

/**
 * One interval's decision for one queue, with hysteresis: surge starts when the forecast service
 * level falls below the target (for `enterIntervals` intervals in a row) and ends only after it has
 * been at or above target + `exitMargin` for `exitIntervals` intervals in a row, so a forecast
 * hovering at the target does not flap. A queue pinned by a supervisor is never flipped; its
 * counters stay at zero so that releasing the pin starts afresh.
 *
 * An observation without a usable handle time (no contact finished in the window yet) keeps the
 * state as it is. Pure: the result depends only on the arguments.
 */
export function decideSurge(state: SurgeState, observation: SurgeObservation, policy: SurgeHysteresis, nowMs: number): SurgeDecision {
  if (!(observation.handleSeconds > 0) || !Number.isFinite(observation.handleSeconds)) return { state };
  const { waiting, horizonSeconds, ...live } = observation;
  const backlogPerSecond = waiting !== undefined && waiting > 0 && horizonSeconds !== undefined && horizonSeconds > 0 ? waiting / horizonSeconds : 0;
  const forecast = forecastServiceLevel({ ...live, arrivalsPerSecond: live.arrivalsPerSecond + backlogPerSecond });
  if (state.pinnedBy !== undefined) return { state, forecast };
  const sl = forecast.serviceLevel;
  const target = policy.targetShare;
  if (!state.active) {
    const belowIntervals = sl < target ? state.belowIntervals + 1 : 0;
    if (belowIntervals < (policy.enterIntervals ?? 1)) return { state: { ...state, belowIntervals, calmIntervals: 0 }, forecast };
    return {
      state: { active: true, belowIntervals: 0, calmIntervals: 0, sinceMs: nowMs },
      forecast,
      change: { active: true, reason: `forecast service level ${pct(sl, target)} < target ${pct(target)} ${workload(observation)}`, predictedServiceLevel: sl },
    };
  }
  const margin = policy.exitMargin ?? 0.05;
  const needed = policy.exitIntervals ?? 3;
  const calmIntervals = sl >= target + margin ? state.calmIntervals + 1 : 0;
  if (calmIntervals < needed) return { state: { ...state, belowIntervals: 0, calmIntervals }, forecast };
  const over = `${pct(target + margin)} (target ${pct(target)} + ${Math.round(margin * 100)} pt)`;
  return {
    state: { active: false, belowIntervals: 0, calmIntervals: 0, sinceMs: nowMs },
    forecast,
    change: {
      active: false,
      reason: `forecast service level ${pct(sl, target + margin)} ≥ ${over} for ${needed} interval${needed === 1 ? '' : 's'} ${workload(observation)}`,
      predictedServiceLevel: sl,
    },
  };
}

/**
 * A supervisor's switch: the queue enters (or leaves) surge and is pinned there, so the forecast
 * never overrides the person. The change is returned only when the state actually flips; pinning
 * the state the queue is already in just holds it.
 */
export function pinSurge(state: SurgeState, pin: { active: boolean; by: string; reason?: string }, nowMs: number,
  predictedServiceLevel = NaN): { state: SurgeState; change?: SurgeChange } {
  const flips = pin.active !== state.active;
  const next: SurgeState = { active: pin.active, pinnedBy: pin.by, belowIntervals: 0, calmIntervals: 0,
    ...(flips ? { sinceMs: nowMs } : state.sinceMs !== undefined ? { sinceMs: state.sinceMs } : {}) };
  if (!flips) return { state: next };
  const why = pin.reason !== undefined && pin.reason !== '' ? `: ${pin.reason}` : '';
  return { state: next, change: { active: pin.active, reason: `surge ${pin.active ? 'switched on' : 'switched off'} by supervisor ${pin.by}${why}`, predictedServiceLevel } };
}

/** Hands the queue back to the forecast: the state is kept, the next intervals decide. */
export function releaseSurgePin(state: SurgeState): SurgeState {
  const { pinnedBy: _released, ...rest } = state;
  return { ...rest, belowIntervals: 0, calmIntervals: 0 };
}

/** "62%"; with a decimal when whole percents would print the same as `beside` (79.6% vs 80%). */
function pct(x: number, beside?: number): string {
  const whole = `${Math.round(x * 100)}%`;
  if (beside === undefined || whole !== `${Math.round(beside * 100)}%`) return whole;
  return `${(Math.trunc(x * 1000) / 10).toFixed(1)}%`;
}

/** "(λ 1.9/s, 12 waiting, AHT 180 s, patience 120 s, 40 agents)". */
function workload(o: SurgeObservation): string {
  const patience = o.patienceSeconds !== undefined && Number.isFinite(o.patienceSeconds) ? `, patience ${Math.round(o.patienceSeconds)} s` : '';
  const waiting = o.waiting !== undefined && o.waiting > 0 && o.horizonSeconds !== undefined ? `, ${o.waiting} waiting` : '';
  return `(λ ${rate(o.arrivalsPerSecond)}/s${waiting}, AHT ${Math.round(o.handleSeconds)} s${patience}, ${o.agents} agent${o.agents === 1 ? '' : 's'})`;
}

function rate(x: number): string {
  if (x === 0) return '0';
  if (x >= 10) return x.toFixed(0);
  return String(Number(x.toPrecision(2)));
}
