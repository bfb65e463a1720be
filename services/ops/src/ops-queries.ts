import { GetContactTraceResponse, RoutingEvent, type AgentPerformance, type GetAuditReportResponse, type GetStaffingResponse, type GetSnapshotResponse, type QueueKpis } from '@switchboard/contracts';
import type { RouterClient } from '@switchboard/router-api';
import type { QueueIntervalStore } from '@switchboard/state';
import { LiveRates, type Channel, type LiveRate, type QueueConfig } from '@switchboard/routing-core';
import type { AgentPerformanceStore } from '@switchboard/state';
import { invalidArgument, notFound, unavailable } from './errors.js';
import type { TraceStore } from './index/trace-store.js';
import { agentPerformance, type AgentPerformanceRequest } from './perf/perf-query.js';
import { runAudit } from './queries/audit.js';
import { computeQueueKpis, MAX_KPI_BUCKETS } from './queries/kpis.js';
import { openEventFeed, type EventFeed, type EventFilter } from './queries/live-events.js';
import type { RoutingSource } from './queries/read-routing.js';
import { readSnapshot } from './queries/snapshot.js';
import { readStaffing, type StaffingQuery } from './queries/staffing.js';

/** A KPI request as both edges receive it (times in epoch ms). */
export interface KpiRequest {
  readonly queueIds: readonly string[];
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly intervalSeconds: number;
}

/** What the snapshot tiles call "recent" (KPIs and the forecast's live rates): the last 15 minutes, recomputed at most every 3 s. */
const RECENT_WINDOW_MS = 15 * 60_000;
const RECENT_CACHE_MS = 3_000;
/** The last millisecond of 9999-12-31: later times have no ISO 8601 form. */
const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** @throws OpsError INVALID_ARGUMENT unless `ms` is a time between 1970 and the end of 9999. */
function checkTime(field: string, ms: number): void {
  if (!(Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIME_MS)) throw invalidArgument(field, 'must be between 1970-01-01 and 9999-12-31');
}

/** Ids one request may filter by (queues, agents, contacts). */
const MAX_FILTER_IDS = 100;

/** KPIs default to the last hour. */
const DEFAULT_KPI_RANGE_MS = 60 * 60_000;

/**
 * Every question ops answers, once, for both edges (HTTP JSON and gRPC): each method returns
 * the proto response, and throws {@link OpsError}s the edges translate.
 */
/**
 * The recent window's figures per queue: KPIs, the live rates (routing-core `LiveRates`) and the
 * channel of the latest arrival. Bounded by the domain's queues; rebuilt on each read.
 */
export interface RecentFigures {
  readonly kpis: ReadonlyMap<string, QueueKpis>;
  /** Undefined when the window saw nothing of the queue. */
  rate(queueId: string): LiveRate | undefined;
  channel(queueId: string): Channel | undefined;
}

export class OpsQueries {
  private recent: { at: number; value: Promise<RecentFigures> } | undefined;

  constructor(
    private readonly source: RoutingSource,
    private readonly store: TraceStore,
    private readonly router: RouterClient,
    private readonly perf: AgentPerformanceStore,
    private readonly clock: () => number = Date.now,
    /** The per-queue workload buckets the staffing forecast reads. */
    private readonly intervals?: QueueIntervalStore,
  ) {}

  get domain(): string {
    return this.source.domain;
  }

  /** Refuses a request for another domain: one ops process serves one domain. */
  checkDomain(domain: string | undefined): void {
    if (domain && domain !== this.source.domain) throw invalidArgument('domain', `this ops serves domain "${this.source.domain}", not "${domain}"`);
  }

  /**
   * Every event and decision explanation of a contact, from the index (no stream scan).
   * @throws OpsError NOT_FOUND when nothing of the contact is indexed (unknown, or past its TTL).
   */
  async trace(contactId: string): Promise<GetContactTraceResponse> {
    if (!contactId) throw invalidArgument('contact_id', 'required');
    if (contactId.length > 200) throw invalidArgument('contact_id', 'at most 200 characters');
    const indexed = await this.store.get(contactId);
    if (!indexed) throw notFound(`no contact "${contactId}" in domain "${this.source.domain}"`);
    return GetContactTraceResponse.fromPartial({ contact: indexed.contact, events: [...indexed.events], traceId: indexed.traceId });
  }

  /** What supervisors did concerning an agent, from the index (events with `by`, within the TTL). */
  async agentActions(agentId: string): Promise<{ agentId: string; events: ReturnType<typeof RoutingEvent.toJSON>[] }> {
    if (!agentId) throw invalidArgument('agent_id', 'required');
    if (agentId.length > 200) throw invalidArgument('agent_id', 'at most 200 characters');
    return { agentId, events: (await this.store.agentActions(agentId)).map((e) => RoutingEvent.toJSON(e)) };
  }

  /** Contact ids that arrived most recently, newest first (the console's list). */
  recentContacts(limit: number): Promise<string[]> {
    return this.store.recent(limit);
  }

  snapshot(): Promise<GetSnapshotResponse> {
    return readSnapshot({
      router: this.router,
      recent: () => this.recentFigures(),
      queueChanges: (queueId) => this.store.queueChanges(queueId),
      offerExpiry: async (contactId) => (await this.store.get(contactId))?.events.findLast((e) => e.offered)?.offered?.expiresAt,
      clock: this.clock,
    });
  }

  /** KPIs per queue and bucket; defaults to the last hour in one bucket. */
  async kpis(request: KpiRequest): Promise<QueueKpis[]> {
    const toMs = request.toMs ?? this.clock();
    const fromMs = request.fromMs ?? toMs - DEFAULT_KPI_RANGE_MS;
    // gRPC Timestamps reach here unchecked: a time without an ISO form would fail deep in a read as a 500.
    checkTime('to', toMs);
    checkTime('from', fromMs);
    if (request.queueIds.length > MAX_FILTER_IDS) throw invalidArgument('queue_ids', `at most ${MAX_FILTER_IDS} ids`);
    if (!(fromMs < toMs)) throw invalidArgument('from', 'must be before to');
    if (!Number.isInteger(request.intervalSeconds) || request.intervalSeconds < 0) throw invalidArgument('interval_seconds', 'must be a whole number ≥ 0');
    if (request.intervalSeconds > 0 && (toMs - fromMs) / (request.intervalSeconds * 1000) > MAX_KPI_BUCKETS) {
      throw invalidArgument('interval_seconds', `gives more than ${MAX_KPI_BUCKETS} buckets for this range; widen it`);
    }
    return computeQueueKpis(this.source, { queueIds: request.queueIds, fromMs, toMs, intervalSeconds: request.intervalSeconds,
      ...(await this.thresholds()) });
  }

  /** Per agent and interval: handled, AHT, ACW, occupancy, adherence, offers, FCR, CSAT, QA, transfers (perf/perf-query.ts). */
  agentPerformance(request: AgentPerformanceRequest): Promise<AgentPerformance[]> {
    // gRPC Timestamps reach here unchecked, as for KPIs.
    if (request.toMs !== undefined) checkTime('to', request.toMs);
    if (request.fromMs !== undefined) checkTime('from', request.fromMs);
    return agentPerformance(this.perf, request, this.clock());
  }

  /** A live feed of routing events, optionally replayed from `sinceMs`. */
  events(filter: EventFilter, sinceMs?: number): Promise<EventFeed> {
    if (sinceMs !== undefined) checkTime('since', sinceMs);
    for (const [field, ids] of [['queue_ids', filter.queueIds], ['agent_ids', filter.agentIds], ['contact_ids', filter.contactIds]] as const) {
      if (ids.length > MAX_FILTER_IDS) throw invalidArgument(field, `at most ${MAX_FILTER_IDS} ids`);
    }
    if (sinceMs !== undefined && sinceMs > this.clock() + 60_000) throw invalidArgument('since', 'is in the future');
    return openEventFeed(this.source, filter, sinceMs);
  }

  /**
   * Agents needed per queue now and for the next intervals, beside those signed in.
   * @throws OpsError INVALID_ARGUMENT (too many ids, a bad interval count), NOT_FOUND (an unknown queue), UNAVAILABLE.
   */
  staffing(query: StaffingQuery): Promise<GetStaffingResponse> {
    if (query.queueIds.length > MAX_FILTER_IDS) throw invalidArgument('queue_ids', `at most ${MAX_FILTER_IDS} ids`);
    if (!this.intervals) throw unavailable('this ops keeps no staffing history');
    return readStaffing({ router: this.router, store: this.intervals, nowMs: this.clock() }, query);
  }

  audit(): Promise<GetAuditReportResponse> {
    return runAudit(this.source);
  }

  /** Service-level thresholds per queue from the router; the KPI default (20 s) when it does not answer. */
  /** Each queue's service-level threshold and FCR window (seconds), from the router's configs. */
  private async thresholds(): Promise<{ slSecondsByQueue: Record<string, number>; fcrWindowSecondsByQueue: Record<string, number> }> {
    try {
      const reply = await this.router.query({ query: 'queues' });
      if (!reply.ok) return { slSecondsByQueue: {}, fcrWindowSecondsByQueue: {} };
      const queues = (reply.queues as { queueId: string; config?: QueueConfig }[]).filter((q) => q.config);
      return {
        slSecondsByQueue: Object.fromEntries(queues.map((q) => [q.queueId, q.config!.serviceLevel.withinSeconds])),
        fcrWindowSecondsByQueue: Object.fromEntries(queues.flatMap((q) => (q.config!.customer?.fcrWindowSeconds ? [[q.queueId, q.config!.customer.fcrWindowSeconds]] : []))),
      };
    } catch {
      return { slSecondsByQueue: {}, fcrWindowSecondsByQueue: {} };
    }
  }

  private recentFigures(): Promise<RecentFigures> {
    const now = this.clock();
    if (!this.recent || now - this.recent.at > RECENT_CACHE_MS) {
      // The read starts at the window's start: a quiet stretch before the first event is quiet, not unseen.
      const rates = new LiveRates({ windowSeconds: RECENT_WINDOW_MS / 1000, observedFromMs: now - RECENT_WINDOW_MS });
      const channels = new Map<string, Channel>();
      const seen = new Set<string>();
      const value = this.thresholds()
        .then((thresholds) => computeQueueKpis(this.source, { queueIds: [], fromMs: now - RECENT_WINDOW_MS, toMs: now, intervalSeconds: 0, ...thresholds }, (event) => {
          rates.add(event);
          if ('queueId' in event && event.queueId) seen.add(event.queueId);
          if (event.type === 'ContactQueued' && event.arrivedAtMs === event.enqueuedAtMs) channels.set(event.queueId, event.channel);
        }))
        .then((rows): RecentFigures => ({
          kpis: new Map(rows.map((r) => [r.queueId, r])),
          rate: (queueId) => (seen.has(queueId) ? rates.rates(queueId, now) : undefined),
          channel: (queueId) => channels.get(queueId),
        }));
      value.catch(() => { this.recent = undefined; });
      this.recent = { at: now, value };
    }
    return this.recent.value;
  }
}
