import type { Redis } from 'ioredis';
import type { RoutingEvent } from '@switchboard/routing-core';
import { routingMetrics, type QueueSample, type Registry, type RoutingMetrics } from '@switchboard/metrics';
import type { DomainWorker } from '../worker/domain-worker.js';
import { endsContact } from '../worker/domain-engine.js';
import { AnswerWindow } from './answer-window.js';

/** How the router's metrics find live state at scrape time. */
export interface RouterMetricsSources {
  /** Workers of the domains this replica owns now. */
  workers(): readonly DomainWorker[];
  readonly redis: Redis;
  readonly clock: () => number;
  /** Service-level window (default 15 minutes, the usual reporting interval). */
  readonly serviceLevelWindowMs?: number;
}

/** Records committed events; see {@link createRouterMetrics}. */
export interface RouterMetrics {
  /** Called once per committed command with its events, after Redis accepted them. */
  observe(worker: DomainWorker, events: readonly RoutingEvent[]): void;
}

/**
 * The router's side of the shared metric set: counters and the latency histogram from committed
 * events (so a command retried after a failed commit is not counted twice), queue gauges from the
 * engines of the owned domains, outbox lag from the Redis outbox streams.
 */
export function createRouterMetrics(registry: Registry, sources: RouterMetricsSources): RouterMetrics {
  const metrics = routingMetrics(registry);
  const windows = new Map<string, AnswerWindow>();
  const windowOf = (domain: string, queue: string) => {
    const key = `${domain}\u0000${queue}`;
    let window = windows.get(key);
    if (!window) windows.set(key, (window = new AnswerWindow(sources.serviceLevelWindowMs ?? 15 * 60_000)));
    return window;
  };
  metrics.useSamplers({
    queues: () => sources.workers().flatMap((worker) => sampleQueues(worker, sources.clock(), windowOf)),
    outbox: () => Promise.all(sources.workers().map(async (worker) =>
      ({ domain: worker.domain, pending: await sources.redis.xlen(worker.store.keys.outbox) }))),
  });
  const offered = new FirstOffers();
  return { observe: (worker, events) => { for (const event of events) record(metrics, worker, event, windowOf, offered); } };
}

/** Contacts offered at least once (bounded: the oldest are forgotten first), so re-offers are told apart. */
class FirstOffers {
  private readonly seen = new Set<string>();
  constructor(private readonly max = 200_000) {}

  /** True the first time a contact is offered. */
  first(domain: string, contactId: string): boolean {
    const key = `${domain}\u0000${contactId}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    if (this.seen.size > this.max) this.seen.delete(this.seen.values().next().value!);
    return true;
  }

  forget(domain: string, contactId: string): void {
    this.seen.delete(`${domain}\u0000${contactId}`);
  }
}

function record(metrics: RoutingMetrics, worker: DomainWorker, event: RoutingEvent, windowOf: (d: string, q: string) => AnswerWindow, offered: FirstOffers): void {
  const domain = worker.domain;
  switch (event.type) {
    case 'ContactOffered': {
      metrics.offers.inc({ domain, queue: event.queueId });
      // Latency to the first offer only: a re-offer after a decline or a miss is not the mesh being slow.
      if (offered.first(domain, event.contactId)) {
        metrics.routingLatency.observe({ domain, channel: event.channel }, Math.max(0, event.atMs - event.arrivedAtMs) / 1000);
      }
      return;
    }
    case 'WrapUpEnded': case 'ContactAbandoned': case 'ContactExpired': case 'ContactRejected': case 'ContactTransferred':
      // A transfer out of the domain (to a partner or an external number) ends it here too.
      if (endsContact(event)) offered.forget(domain, event.contactId);
      return;
    case 'OfferAccepted': {
      metrics.offerEnded(domain, event.queueId, 'accepted');
      const threshold = worker.live.queue(event.queueId)?.serviceLevel.withinSeconds;
      const within = threshold === undefined || event.waitMs <= threshold * 1000;
      metrics.answer(domain, event.queueId, within);
      windowOf(domain, event.queueId).add(event.atMs, within);
      return;
    }
    case 'OfferDeclined': return metrics.offerEnded(domain, event.queueId, 'declined');
    case 'OfferTimedOut': return metrics.offerEnded(domain, event.queueId, 'missed');
    default: return;
  }
}

function sampleQueues(worker: DomainWorker, nowMs: number, windowOf: (d: string, q: string) => AnswerWindow): QueueSample[] {
  const engine = worker.live;
  return engine.snapshot().queues.map(({ queueId, waiting }) => {
    // The customer's wait counts from arrival (a transfer does not restart it). Routing order is
    // not arrival order (priorities, VIP), so the oldest is looked for among the first thousand.
    const oldestArrival = waiting === 0 ? undefined
      : Math.min(...engine.waitingContacts(queueId, 1_000).map((c) => c.arrivedAtMs));
    const serviceLevel = windowOf(worker.domain, queueId).share(nowMs);
    return {
      domain: worker.domain,
      queue: queueId,
      depth: waiting,
      oldestWaitSeconds: oldestArrival === undefined ? 0 : Math.max(0, nowMs - oldestArrival) / 1000,
      ...(serviceLevel === undefined ? {} : { serviceLevel }),
    };
  });
}
