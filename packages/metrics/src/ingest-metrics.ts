import { Counter, type Registry } from 'prom-client';
import { METRIC_NAMES, type IngestResult } from './names.js';
import { perRegistry } from './registry.js';

/** What ingestion services record. */
export interface IngestMetrics {
  /** `sb_ingest_results_total{channel,result}`: one per request an ingestion endpoint answered. */
  readonly results: Counter<'channel' | 'result'>;
  /** Counts one request outcome. */
  record(channel: string, result: IngestResult): void;
}

/** The ingestion metric set of a registry (defined on first use, shared after). */
export const ingestMetrics: (registry: Registry) => IngestMetrics = perRegistry((registry) => {
  const results = new Counter({
    name: METRIC_NAMES.ingestResults,
    help: 'Ingestion requests by channel and result (accepted, duplicate, rejected, rate_limited, unavailable, failed)',
    labelNames: ['channel', 'result'] as const,
    registers: [registry],
  });
  return { results, record: (channel, result) => results.inc({ channel, result }) };
});
