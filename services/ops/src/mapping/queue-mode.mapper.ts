import { QueueMode, type RoutingEvent } from '@switchboard/contracts';
import { hoursToProto } from '@switchboard/router-api';
import { forecastServiceLevel, openingOf, type AgentView, type Channel, type LiveRate, type QueueConfig } from '@switchboard/routing-core';

/** A queue's opening and surge state as the router's `queues` query answers it (engine `queueMode`). */
export interface RouterQueueMode {
  readonly open: boolean;
  readonly nextChangeMs?: number;
  readonly surge: { readonly active: boolean; readonly pinned: boolean; readonly source?: string; readonly sinceMs: number };
}

/** What {@link queueModeOf} reads for one queue. */
export interface QueueModeInput {
  readonly queueId: string;
  readonly config?: QueueConfig;
  readonly mode?: RouterQueueMode;
  /** The queue's workload over the recent window (routing-core `LiveRates`), when any event was seen. */
  readonly rate?: LiveRate;
  /** The channel of the queue's latest arrival: whose agent slots serve it. */
  readonly channel?: Channel;
  readonly agents: readonly AgentView[];
  /** The queue's QueueHoursChanged / QueueSurgeChanged events, newest first. */
  readonly changes: readonly RoutingEvent[];
  readonly nowMs: number;
}

/** Contact slots on `channel` of the agents serving `queueId` now (signed in, not away): the forecast's servers. */
export function servingSlots(agents: readonly AgentView[], queueId: string, channel: Channel): number {
  return agents
    .filter((a) => a.presence !== 'OFFLINE' && a.presence !== 'AWAY' && a.queues.some((q) => q.queueId === queueId))
    .reduce((sum, a) => sum + (a.capacity[channel] ?? 0), 0);
}

/**
 * The forecast service level now: routing-core's `forecastServiceLevel` (Erlang A, C without an
 * abandonment) from the window's arrival rate, handle time (talk + wrap-up) and patience, with the
 * slots serving the queue now. Undefined while no conversation ended in the window (no handle
 * time to go by), or for figures no model answers.
 */
export function currentForecast(rate: LiveRate | undefined, withinSeconds: number, slots: number): number | undefined {
  if (rate === undefined || !(rate.handleSeconds > 0) || !Number.isFinite(rate.handleSeconds)) return undefined;
  try {
    const sl = forecastServiceLevel({ arrivalsPerSecond: rate.arrivalsPerSecond, handleSeconds: rate.handleSeconds, agents: slots, withinSeconds,
      ...(rate.patienceSeconds === undefined ? {} : { patienceSeconds: rate.patienceSeconds }) }).serviceLevel;
    return Number.isFinite(sl) ? Math.min(1, Math.max(0, sl)) : undefined;
  } catch {
    return undefined;
  }
}

/** `ms` as "YYYY-MM-DD HH:MM" in `timeZone` (Intl's IANA data); '' for an unknown zone. */
export function localTime(ms: number, timeZone: string): string {
  try {
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(ms));
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
  } catch {
    return '';
  }
}

/**
 * One queue's mode: open as the engine has it, why by the configuration now (routing-core
 * `openingOf`), the next change (the engine's, else the hours'), surge as the engine has it, the
 * forecast now, and the forecast that last switched surge (from the changes).
 */
export function queueModeOf(input: QueueModeInput): QueueMode {
  const { config, mode, nowMs } = input;
  const opening = config ? openingOf(config, nowMs) : undefined;
  const nextChangeMs = mode ? mode.nextChangeMs : opening?.nextChangeMs;
  const zone = config?.hours?.timeZone;
  const decided = input.changes.find((e) => e.surgeChanged?.predictedServiceLevel !== undefined);
  const forecast = config
    ? currentForecast(input.rate, config.serviceLevel.withinSeconds, servingSlots(input.agents, input.queueId, input.channel ?? 'phone'))
    : undefined;
  const surge = mode?.surge;
  return QueueMode.fromPartial({
    queueId: input.queueId,
    open: mode?.open ?? opening?.open ?? true,
    reason: opening?.reason ?? 'SCHEDULE',
    holiday: opening?.holiday ?? '',
    emergencyClosedReason: config?.emergencyClosedReason ?? '',
    ...(nextChangeMs === undefined ? {} : { nextChangeAt: new Date(nextChangeMs), nextChangeLocal: zone ? localTime(nextChangeMs, zone) : '' }),
    ...(config?.hours ? { hours: hoursToProto(config.hours) } : {}),
    surgeActive: surge?.active ?? false,
    surgePinned: surge?.pinned ?? false,
    surgeSource: surge?.source ?? '',
    ...(surge && surge.sinceMs > 0 ? { surgeSince: new Date(surge.sinceMs) } : {}),
    surgeAuto: config?.surge?.auto ?? false,
    ...(forecast === undefined ? {} : { forecastServiceLevel: forecast }),
    ...(decided ? { decidedServiceLevel: decided.surgeChanged!.predictedServiceLevel!, ...(decided.occurredAt ? { decidedAt: decided.occurredAt } : {}) } : {}),
    changes: [...input.changes],
  });
}
