import { QueueKpis as ProtoQueueKpis } from '@switchboard/contracts';
import { KpiAccumulator, type QueueKpis, type RoutingEvent } from '@switchboard/routing-core';
import { coreEventFromProto } from '../mapping/core-event.mapper.js';
import { readRoutingSince, type RoutingSource } from './read-routing.js';

/** A KPI question: queues (all when empty), a time range, and an optional bucket width. */
export interface KpiQuery {
  readonly queueIds: readonly string[];
  readonly fromMs: number;
  readonly toMs: number;
  /** 0: one bucket for the whole range. */
  readonly intervalSeconds: number;
  /** Service-level threshold per queue, from the queues' configuration. */
  readonly slSecondsByQueue: Readonly<Record<string, number>>;
  /** First-contact-resolution window per queue (seconds), from the queues' configuration; else 7 days. */
  readonly fcrWindowSecondsByQueue?: Readonly<Record<string, number>>;
}

/** At most this many buckets per request, so a tiny interval over a long range cannot exhaust ops. */
export const MAX_KPI_BUCKETS = 1_000;

/**
 * KPIs per queue and bucket, computed by routing-core's `KpiAccumulator` (the one implementation)
 * over the ROUTING events of the range. A contact counts in the bucket where its stay in the
 * queue ended (answered, abandoned, expired); occupancy is the domain's, over all agents.
 * `observe` sees every event of the read too (the live rates of the forecast use the same pass).
 */
export async function computeQueueKpis(source: RoutingSource, query: KpiQuery, observe?: (event: RoutingEvent) => void): Promise<ProtoQueueKpis[]> {
  const width = query.intervalSeconds > 0 ? query.intervalSeconds * 1000 : query.toMs - query.fromMs;
  const buckets: { start: number; end: number; acc: KpiAccumulator }[] = [];
  for (let start = query.fromMs; start < query.toMs; start += width) {
    buckets.push({ start, end: Math.min(query.toMs, start + width),
      acc: new KpiAccumulator({ slSecondsByQueue: query.slSecondsByQueue, fromMs: start,
        ...(query.fcrWindowSecondsByQueue ? { fcrWindowSecondsByQueue: query.fcrWindowSecondsByQueue } : {}) }) });
  }
  // Each bucket also sees the range's events before its own start: agents' presence then decides
  // occupancy inside it (the accumulator ignores them for counts and clips agent time to its window).
  for await (const proto of readRoutingSince(source, query.fromMs, query.toMs)) {
    const event = coreEventFromProto(proto);
    if (!event) continue;
    observe?.(event);
    for (const bucket of buckets) if (event.atMs < bucket.end) bucket.acc.add(event);
  }
  const wanted = new Set(query.queueIds);
  const out: ProtoQueueKpis[] = [];
  for (const bucket of buckets) {
    const report = bucket.acc.snapshot(Math.min(bucket.end, Date.now()));
    const queues = new Map(report.queues.map((q) => [q.queueId, q]));
    const ids = wanted.size > 0 ? [...wanted] : [...queues.keys()];
    for (const id of ids.sort()) out.push(toProto(id, queues.get(id), bucket.start, bucket.end, report.occupancy));
  }
  return out;
}

/** Ratios stay NaN when nothing was counted ("no data", not 0 %); proto3 JSON writes them as "NaN". */
const finite = (n: number | undefined) => n ?? Number.NaN;

function toProto(queueId: string, q: QueueKpis | undefined, start: number, end: number, occupancy: number): ProtoQueueKpis {
  return ProtoQueueKpis.fromPartial({
    queueId,
    intervalStart: new Date(start),
    intervalEnd: new Date(end),
    serviceLevel: finite(q?.serviceLevel),
    asaSeconds: finite(q?.asaSeconds),
    ahtSeconds: finite(q?.ahtSeconds),
    abandonRate: finite(q?.abandonRate),
    occupancy,
    offered: q?.offered ?? 0,
    accepted: q?.accepted ?? 0,
    declined: q?.declined ?? 0,
    missed: q?.missed ?? 0,
    abandoned: q?.abandoned ?? 0,
    completed: q?.handled ?? 0,
    firstContactResolution: finite(q?.firstContactResolution),
    surveysOffered: q?.surveysOffered ?? 0,
    surveysAnswered: q?.surveysAnswered ?? 0,
    surveyResponseRate: finite(q?.surveyResponseRate),
    csatScore: finite(q?.csatScore),
    csatSatisfied: finite(q?.csatSatisfied),
  });
}
