import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC_NAMES, ROUTING_LATENCY_BUCKETS, type OfferResult } from './names.js';
import { perRegistry } from './registry.js';

/** One queue's live figures at scrape time. */
export interface QueueSample {
  readonly domain: string;
  readonly queue: string;
  /** Contacts waiting now. */
  readonly depth: number;
  /** Seconds the longest-waiting contact has waited; 0 when none waits. */
  readonly oldestWaitSeconds: number;
  /** Share answered within the queue's threshold (0..1) over the sampler's window; omitted when nothing was answered. */
  readonly serviceLevel?: number;
}

/** One domain's outbox at scrape time: records committed to Redis and not yet relayed to NATS. */
export interface OutboxSample {
  readonly domain: string;
  readonly pending: number;
}

/** Reads live figures when Prometheus scrapes; may be async (a Redis read). */
export interface RoutingSamplers {
  queues?(): readonly QueueSample[] | Promise<readonly QueueSample[]>;
  outbox?(): readonly OutboxSample[] | Promise<readonly OutboxSample[]>;
}

/** The routing metric set: counters and the histogram are recorded as events happen; gauges are sampled. */
export interface RoutingMetrics {
  readonly offers: Counter<'domain' | 'queue'>;
  readonly offerResults: Counter<'domain' | 'queue' | 'result'>;
  readonly answered: Counter<'domain' | 'queue'>;
  readonly answeredWithinThreshold: Counter<'domain' | 'queue'>;
  readonly routingLatency: Histogram<'domain' | 'channel'>;
  /** Records an offer's end. */
  offerEnded(domain: string, queue: string, result: OfferResult): void;
  /** Records an answer (accepted offer) and whether it came within the queue's service-level threshold. */
  answer(domain: string, queue: string, withinThreshold: boolean): void;
  /** Sets where gauges read from at scrape time; a later call replaces the earlier samplers. */
  useSamplers(samplers: RoutingSamplers): void;
}

/** The routing metric set of a registry (defined on first use, shared after). */
export const routingMetrics: (registry: Registry) => RoutingMetrics = perRegistry((registry) => {
  let samplers: RoutingSamplers = {};
  const registers = [registry];
  const labelNames = ['domain', 'queue'] as const;
  // Gauges are filled at scrape time from the samplers; reset first so vanished queues disappear.
  // prom-client collects all metrics of a scrape concurrently, so the three queue gauges share
  // one sampling (one Redis read) and each waits for it before its values are read.
  let sampling: Promise<void> | undefined;
  const refreshQueues = () => (sampling ??= collectQueues().finally(() => { sampling = undefined; }));
  const depth = new Gauge({ name: METRIC_NAMES.queueDepth, help: 'Contacts waiting in the queue', labelNames, registers,
    collect: refreshQueues });
  const oldest = new Gauge({ name: METRIC_NAMES.queueOldestWait, help: 'Wait of the longest-waiting contact in the queue', labelNames, registers,
    collect: refreshQueues });
  const serviceLevel = new Gauge({ name: METRIC_NAMES.queueServiceLevel, help: 'Share of recent answers within the queue service-level threshold',
    labelNames, registers, collect: refreshQueues });
  new Gauge({ name: METRIC_NAMES.outboxLag, help: 'Routing events committed to Redis and not yet relayed to JetStream', labelNames: ['domain'] as const, registers,
    async collect() {
      this.reset();
      for (const s of (await samplers.outbox?.()) ?? []) this.set({ domain: s.domain }, s.pending);
    } });

  async function collectQueues(): Promise<void> {
    const samples = (await samplers.queues?.()) ?? [];
    depth.reset();
    oldest.reset();
    serviceLevel.reset();
    for (const s of samples) {
      const labels = { domain: s.domain, queue: s.queue };
      depth.set(labels, s.depth);
      oldest.set(labels, s.oldestWaitSeconds);
      if (s.serviceLevel !== undefined) serviceLevel.set(labels, s.serviceLevel);
    }
  }

  const offers = new Counter({ name: METRIC_NAMES.offers, help: 'Offers made to agents', labelNames, registers });
  const offerResults = new Counter({ name: METRIC_NAMES.offerResults, help: 'Offers ended by result (accepted, declined, missed)',
    labelNames: ['domain', 'queue', 'result'] as const, registers });
  const answered = new Counter({ name: METRIC_NAMES.answered, help: 'Contacts answered (offer accepted)', labelNames, registers });
  const answeredWithinThreshold = new Counter({ name: METRIC_NAMES.answeredWithinThreshold,
    help: 'Contacts answered within the queue service-level threshold', labelNames, registers });
  const routingLatency = new Histogram({ name: METRIC_NAMES.routingLatency, help: 'Time from ingestion to the first offer',
    labelNames: ['domain', 'channel'] as const, buckets: [...ROUTING_LATENCY_BUCKETS], registers });

  return {
    offers, offerResults, answered, answeredWithinThreshold, routingLatency,
    offerEnded: (domain, queue, result) => offerResults.inc({ domain, queue, result }),
    answer(domain, queue, withinThreshold) {
      answered.inc({ domain, queue });
      if (withinThreshold) answeredWithinThreshold.inc({ domain, queue });
    },
    useSamplers(next) { samplers = next; },
  };
});
