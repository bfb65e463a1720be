import { decideSurge, INITIAL_SURGE_STATE, type SurgeState } from '@switchboard/routing-core';
import { callRouter } from '@switchboard/grpc-edge';
import { getTracer, withSpan, type Logger } from '@switchboard/telemetry';
import type { QueueServiceDeps } from './deps.js';
import { servingSlots } from './estimate.js';
import type { ReplicaLease } from './replica-lease.js';
import { routerAgents, routerQueues } from './router-queries.js';

const tracer = getTracer('@switchboard/queue-service');

/** Options of {@link SurgeController}. */
export interface SurgeControllerOptions {
  readonly deps: QueueServiceDeps;
  readonly domain: string;
  /** Held by one replica at a time: only the holder switches surge (one switch per change). */
  readonly lease: ReplicaLease;
  /** The forecast interval (ms): how often each queue's next interval is predicted. */
  readonly intervalMs: number;
  readonly logger: Logger;
}

/**
 * Surge mode driven by the live forecast: every interval, for each queue whose surge policy is
 * `auto`, the core's Erlang A forecast (routing-core `decideSurge`, with hysteresis) predicts the
 * service level of the next interval from the live arrival rate, cycle time and patience and the
 * slots serving the queue now. A predicted breach switches surge on (SET_SURGE, source FORECAST,
 * with the forecast and its reason on ROUTING); a recovery held for a few intervals switches it
 * off. A supervisor's switch pins the queue (the engine refuses the forecast's). Memory: one small
 * state per auto queue of the domain.
 */
export class SurgeController {
  private readonly states = new Map<string, SurgeState>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly options: SurgeControllerOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One forecast of every auto queue (exposed for tests). Returns the switches sent. */
  async tick(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      if (!(await this.options.lease.holds())) return 0;
      return await withSpan(tracer, 'surge forecast', { 'switchboard.domain': this.options.domain }, () => this.forecastAll());
    } catch (error) {
      this.options.logger.warn({ err: error }, 'surge forecast failed; next interval retries');
      return 0;
    } finally {
      this.running = false;
    }
  }

  private async forecastAll(): Promise<number> {
    const { deps, domain } = this.options;
    const queues = (await routerQueues(deps, domain)).filter((q) => q.config.surge?.auto === true);
    for (const id of this.states.keys()) if (!queues.some((q) => q.queueId === id)) this.states.delete(id);
    if (queues.length === 0) return 0;
    const agents = await routerAgents(deps, domain);
    const now = deps.now();
    let switches = 0;
    for (const q of queues) {
      const mode = q.mode?.surge;
      const known = this.states.get(q.queueId) ?? INITIAL_SURGE_STATE;
      // The engine's mode is the truth (another replica, a supervisor, a restart may have changed it).
      const { pinnedBy: _previous, ...unpinned } = known;
      const state: SurgeState = { ...unpinned, active: mode?.active ?? false, ...(mode?.pinned ? { pinnedBy: 'supervisor' } : {}) };
      const rates = deps.rates.rates(domain, q.queueId, q.config.serviceLevel.withinSeconds);
      // As the simulated surge showed it must: the cautious rate, and the backlog already waiting
      // spread over the horizon, so surge starts before the service level breaches, not after.
      const decision = decideSurge(state, {
        arrivalsPerSecond: rates.arrivalsPerSecondHigh, handleSeconds: rates.cycleSeconds ?? 0,
        waiting: q.waiting, horizonSeconds: q.config.surge?.horizonSeconds ?? 900,
        agents: servingSlots(agents, q.queueId, deps.rates.mainChannel(domain, q.queueId)),
        withinSeconds: q.config.serviceLevel.withinSeconds, ...(rates.patienceSeconds === undefined ? {} : { patienceSeconds: rates.patienceSeconds }),
      }, { targetShare: q.config.serviceLevel.share }, now);
      this.states.set(q.queueId, decision.state);
      const change = decision.change;
      if (change === undefined) continue;
      await callRouter(() => deps.router(domain).command({
        type: 'SET_SURGE', queueId: q.queueId, active: change.active, source: 'FORECAST', reason: change.reason,
        ...(Number.isFinite(change.predictedServiceLevel) ? { predictedServiceLevel: Math.min(1, Math.max(0, change.predictedServiceLevel)) } : {}),
      }, `qs:surge:${domain}:${q.queueId}:${now}`));
      this.options.logger.info({ queueId: q.queueId, active: change.active, reason: change.reason }, 'surge mode switched by the forecast');
      switches++;
    }
    return switches;
  }
}
