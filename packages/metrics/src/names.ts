/**
 * Every Switchboard metric name, in one place, so dashboards, alerts and code agree. Names follow
 * Prometheus conventions: `sb_` prefix, base units (seconds), `_total` on counters.
 */
export const METRIC_NAMES = {
  queueDepth: 'sb_queue_depth',
  queueOldestWait: 'sb_queue_oldest_wait_seconds',
  queueServiceLevel: 'sb_queue_service_level_ratio',
  answered: 'sb_contacts_answered_total',
  answeredWithinThreshold: 'sb_contacts_answered_within_threshold_total',
  routingLatency: 'sb_routing_latency_seconds',
  offers: 'sb_offers_total',
  offerResults: 'sb_offer_results_total',
  outboxLag: 'sb_outbox_lag_records',
  ingestResults: 'sb_ingest_results_total',
  streamBytes: 'sb_stream_bytes',
  streamMaxBytes: 'sb_stream_max_bytes',
  streamUsage: 'sb_stream_usage_ratio',
  streamMessages: 'sb_stream_messages',
  streamFirstSequence: 'sb_stream_first_sequence',
  streamOldestAge: 'sb_stream_oldest_age_seconds',
} as const;

/** How an offer ended: taken, turned down, or not answered in time (RONA). */
export const OFFER_RESULTS = { accepted: 'accepted', declined: 'declined', missed: 'missed' } as const;
/** An offer's end, as the `result` label of `sb_offer_results_total`. */
export type OfferResult = (typeof OFFER_RESULTS)[keyof typeof OFFER_RESULTS];

/**
 * What an ingestion request came to, as the `result` label of `sb_ingest_results_total`:
 * `accepted` (published and acked), `duplicate` (a platform retry JetStream deduplicated),
 * `rejected` (bad signature, schema or size: 4xx), `rate_limited` (429), `unavailable` (NATS
 * away: 5xx so the platform retries), `failed` (anything else).
 */
export const INGEST_RESULTS = {
  accepted: 'accepted',
  duplicate: 'duplicate',
  rejected: 'rejected',
  rateLimited: 'rate_limited',
  unavailable: 'unavailable',
  failed: 'failed',
} as const;
/** One of {@link INGEST_RESULTS}. */
export type IngestResult = (typeof INGEST_RESULTS)[keyof typeof INGEST_RESULTS];

/**
 * Routing latency buckets in seconds, ingest → offer: an immediate offer takes milliseconds, a
 * queued contact waits seconds to minutes, so the buckets span both.
 */
export const ROUTING_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] as const;
