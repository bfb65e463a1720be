import { createMetricsRegistry, ingestMetrics, type IngestMetrics, type Registry } from '@switchboard/metrics';

let registry: Registry | undefined;

/**
 * The process's metrics registry, shared by the publisher and the HTTP server so a service need
 * not thread it through its wiring. `runIngestService` names the service first; tests that build
 * an app directly get `service="ingest"`. One per process: when services/ingest-all runs several
 * services, all of them count here under its name, told apart by `channel`, and every one of their
 * `/metrics` serves this same registry.
 */
export function ingestRegistry(service?: string): Registry {
  registry ??= createMetricsRegistry({ service: service ?? 'ingest' });
  if (service !== undefined) registry.setDefaultLabels({ service });
  return registry;
}

/** The ingestion metric set of the process registry. */
export function processIngestMetrics(): IngestMetrics {
  return ingestMetrics(ingestRegistry());
}

/**
 * The result label of an HTTP answer an ingestion route gave, or undefined when the publisher
 * already counted it (2xx after a publish, 503 while NATS is away) or it is not a platform's
 * request at all (404 for an unknown path).
 */
export function httpResult(status: number): 'rejected' | 'rate_limited' | 'failed' | undefined {
  if (status === 429) return 'rate_limited';
  if (status === 404) return undefined;
  if (status >= 400 && status < 500) return 'rejected';
  if (status >= 500 && status !== 503) return 'failed';
  return undefined;
}
