import { Counter, Gauge, type Registry } from 'prom-client';
import { createMetricsRegistry } from '@switchboard/metrics';
import type { RoutingEvent } from '@switchboard/contracts';

/** Ops' own Prometheus metrics: how far the index trails the stream, what it indexed, who watches. */
export interface OpsMetrics {
  readonly registry: Registry;
  /** Call for each event the indexer stored. */
  indexed(event: RoutingEvent, nowMs: number): void;
  readonly httpRequests: Counter<'route' | 'status'>;
  readonly watchers: Gauge<'edge'>;
}

/** Creates the mesh's per-process registry (service label, process metrics) and the ops metric set. */
export function createOpsMetrics(domain: string): OpsMetrics {
  const registry = createMetricsRegistry({ service: 'ops' });
  const registers = [registry];
  const events = new Counter({ name: 'switchboard_ops_indexed_events_total', help: 'Routing events indexed for contact traces', labelNames: ['domain', 'type'] as const, registers });
  const lag = new Gauge({ name: 'switchboard_ops_index_lag_seconds', help: 'Age of the latest indexed routing event when it was indexed', labelNames: ['domain'] as const, registers });
  const httpRequests = new Counter({ name: 'switchboard_ops_http_requests_total', help: 'HTTP requests answered by ops', labelNames: ['route', 'status'] as const, registers });
  const watchers = new Gauge({ name: 'switchboard_ops_event_watchers', help: 'Open live event streams (SSE and gRPC)', labelNames: ['edge'] as const, registers });
  return {
    registry,
    httpRequests,
    watchers,
    indexed(event, nowMs) {
      const type = Object.keys(event).find((k) => k !== 'occurredAt' && (event as unknown as Record<string, unknown>)[k] !== undefined && BODY.has(k)) ?? 'unknown';
      events.inc({ domain, type });
      if (event.occurredAt) lag.set({ domain }, Math.max(0, (nowMs - event.occurredAt.getTime()) / 1000));
    },
  };
}

const BODY = new Set(['queued', 'rejected', 'offered', 'accepted', 'declined', 'timedOut', 'completed', 'wrapUpEnded', 'abandoned',
  'expired', 'overflowed', 'transferred', 'ringWidened', 'presenceChanged', 'received', 'outcomeRecorded', 'limitReached', 'profileChanged', 'reprioritized',
  'qaReviewScored', 'customerIdentified', 'qaReviewRequested', 'followUpOpened', 'followUpAtRisk']);
