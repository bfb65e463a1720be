// The public surface of @switchboard/metrics: one registry per process, the mesh's metric sets,
// and a /metrics handler. Services create the registry; packages take it as an argument.
export { createMetricsRegistry, perRegistry, type MetricsRegistryOptions } from './registry.js';
export { INGEST_RESULTS, METRIC_NAMES, OFFER_RESULTS, ROUTING_LATENCY_BUCKETS, type IngestResult, type OfferResult } from './names.js';
export { ingestMetrics, type IngestMetrics } from './ingest-metrics.js';
export { routingMetrics, type OutboxSample, type QueueSample, type RoutingMetrics, type RoutingSamplers } from './routing-metrics.js';
export { streamMetrics, type StreamMetrics, type StreamSample } from './stream-metrics.js';
export { checkpointMetrics, type CheckpointMetrics, type CheckpointSample } from './checkpoint-metrics.js';
export { commitMetrics, type CommitMetrics } from './commit-metrics.js';
export { surveyMetrics, type SurveyMetrics } from './survey-metrics.js';
export { metricsHandler, renderMetrics, type MetricsPage } from './http-handler.js';
export type { Registry } from 'prom-client';
export { startMetricsServer, type MetricsServer } from './metrics-server.js';
