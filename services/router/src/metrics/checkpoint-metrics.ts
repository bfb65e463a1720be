import { checkpointMetrics, type Registry } from '@switchboard/metrics';
import type { CheckpointStats } from '../worker/checkpointer.js';
import type { DomainWorker } from '../worker/domain-worker.js';

/** How the checkpoint metrics find the owned domains at scrape time. */
export interface CheckpointMetricsSources {
  workers(): readonly DomainWorker[];
  readonly clock: () => number;
}

/** Records each durable checkpoint; see {@link createCheckpointMetrics}. */
export interface RouterCheckpointMetrics {
  written(worker: DomainWorker, stats: CheckpointStats): void;
}

/** The router's checkpoint metrics, sampled from the owned domains' workers. */
export function createCheckpointMetrics(registry: Registry, sources: CheckpointMetricsSources): RouterCheckpointMetrics {
  const metrics = checkpointMetrics(registry, () => sources.workers().map((worker) => {
    const durable = worker.checkpoints.newestDurable;
    const uncovered = worker.core.logPosition - (durable?.position ?? 0);
    const since = durable?.takenAtMs ?? worker.openedAtMs;
    return { domain: worker.domain, logSinceCheckpoint: Math.max(0, uncovered), ageSeconds: uncovered <= 0 ? 0 : Math.max(0, sources.clock() - since) / 1000 };
  }));
  return { written: (worker, stats) => metrics.written(worker.domain, stats.captureMs / 1000, stats.encodeSliceMaxMs / 1000, stats.bytes) };
}
