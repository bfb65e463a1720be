import type { QueueStats } from '@switchboard/contracts';
import { notFound } from '@switchboard/grpc-edge';
import { forecastServiceLevel, type AgentView, type Channel, type QueueConfig } from '@switchboard/routing-core';
import { servingSlots } from './estimate.js';
import type { QueueRates } from './live-rates.js';
import type { QueueServiceDeps } from './deps.js';
import { routerAgents, routerQueues, routerWaiting } from './router-queries.js';

/** Agents serving the queue that are free for it now, and those holding work. */
function agentCounts(agents: readonly AgentView[], queueId: string): { available: number; busy: number } {
  let available = 0;
  let busy = 0;
  for (const a of agents) {
    if (a.presence === 'OFFLINE' || !a.queues.some((q) => q.queueId === queueId)) continue;
    if (a.contactIds.length > 0) busy++;
    else if (a.presence === 'AVAILABLE') available++;
  }
  return { available, busy };
}

/**
 * The forecast service level of the next interval: Erlang A (C without abandonment) from the live
 * arrival rate, cycle time and patience, with the slots serving the queue now on `channel`. 1 with
 * no arrivals; undefined while no contact has been handled (no cycle time to go by).
 */
export function forecastOf(rates: QueueRates, config: QueueConfig, agents: readonly AgentView[], channel: Channel): number | undefined {
  if (rates.cycleSeconds === undefined || rates.cycleSeconds <= 0) return undefined;
  if (rates.arrivalsPerSecond === 0) return 1;
  return forecastServiceLevel({
    arrivalsPerSecond: rates.arrivalsPerSecond, handleSeconds: rates.cycleSeconds, agents: servingSlots(agents, config.id, channel),
    withinSeconds: config.serviceLevel.withinSeconds, ...(rates.patienceSeconds === undefined ? {} : { patienceSeconds: rates.patienceSeconds }),
  }).serviceLevel;
}

/**
 * Live figures of the domain's queues (all, or those named): router state (depth, oldest wait,
 * open offers, agents) plus the rates of the last window (service level, ASA, abandonment).
 * @throws RpcError NOT_FOUND for a named queue the domain does not have.
 */
export async function queueStats(deps: QueueServiceDeps, domain: string, queueIds: readonly string[] = []): Promise<QueueStats[]> {
  const [queues, agents] = await Promise.all([routerQueues(deps, domain), routerAgents(deps, domain)]);
  const wanted = queueIds.length === 0 ? queues : queueIds.map((id) => {
    const q = queues.find((x) => x.queueId === id);
    if (!q) throw notFound(`no queue "${id}" in domain "${domain}"`);
    return q;
  });
  const now = deps.now();
  return Promise.all(wanted.map(async (q) => {
    const waiting = q.waiting > 0 ? await routerWaiting(deps, domain, q.queueId) : [];
    const oldest = waiting.reduce((min, c) => Math.min(min, c.enqueuedAtMs), now);
    deps.rates.setFcrWindow(domain, q.queueId, q.config.customer?.fcrWindowSeconds);
    const rates = deps.rates.rates(domain, q.queueId, q.config.serviceLevel.withinSeconds);
    const { available, busy } = agentCounts(agents, q.queueId);
    return {
      queueId: q.queueId,
      depth: q.waiting,
      oldestWaitSeconds: (now - oldest) / 1000,
      serviceLevel: rates.serviceLevel,
      asaSeconds: rates.asaSeconds,
      abandonRate: rates.abandonRate,
      firstContactResolution: rates.firstContactResolution,
      agentsAvailable: available,
      agentsBusy: busy,
      offersOpen: q.offered,
      asOf: new Date(now),
      open: q.mode?.open ?? true,
      surgeActive: q.mode?.surge.active ?? false,
      forecastServiceLevel: forecastOf(rates, q.config, agents, deps.rates.mainChannel(domain, q.queueId)) ?? Number.NaN,
      arrivalRate: rates.arrivalsPerSecond,
      ...rates.survey,
    };
  }));
}
