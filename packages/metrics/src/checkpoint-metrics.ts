import { Gauge, Histogram, type Registry } from 'prom-client';

/** One owned domain's checkpoint standing, sampled at scrape time. */
export interface CheckpointSample {
  readonly domain: string;
  /** Seconds the newest durable checkpoint has left commands uncovered; 0 when none was applied since it. */
  readonly ageSeconds: number;
  /** Commands applied after the newest durable checkpoint (what a rebuild replays). */
  readonly logSinceCheckpoint: number;
}

/** The router's checkpoint metrics. */
export interface CheckpointMetrics {
  /** One checkpoint made durable: the event loop's wait for its capture and for the longest slice of its encoding, and its size. */
  written(domain: string, captureSeconds: number, encodeSeconds: number, bytes: number): void;
}

/**
 * `sb_router_checkpoint_age_seconds` (what the RouterCheckpointStale alert watches),
 * `sb_router_log_since_checkpoint`, `sb_router_checkpoint_pause_seconds{phase}` and
 * `sb_router_checkpoint_bytes`, per routing domain.
 */
export function checkpointMetrics(registry: Registry, sample: () => readonly CheckpointSample[]): CheckpointMetrics {
  const registers = [registry];
  const labelNames = ['domain'] as const;
  new Gauge({
    name: 'sb_router_checkpoint_age_seconds', help: 'Age of the newest durable checkpoint while commands applied after it are uncovered (0 when none)',
    labelNames, registers,
    collect() {
      this.reset();
      for (const s of sample()) this.set({ domain: s.domain }, s.ageSeconds);
    },
  });
  new Gauge({
    name: 'sb_router_log_since_checkpoint', help: 'Commands applied after the newest durable checkpoint (what a rebuild replays)', labelNames, registers,
    collect() {
      this.reset();
      for (const s of sample()) this.set({ domain: s.domain }, s.logSinceCheckpoint);
    },
  });
  const pause = new Histogram({
    name: 'sb_router_checkpoint_pause_seconds', help: 'Longest event-loop wait a checkpoint causes, by phase (capture; encode: its longest slice)',
    labelNames: ['domain', 'phase'] as const, registers, buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  });
  const bytes = new Gauge({ name: 'sb_router_checkpoint_bytes', help: 'Size of the newest checkpoint', labelNames, registers });
  return {
    written(domain, captureSeconds, encodeSeconds, size) {
      pause.observe({ domain, phase: 'capture' }, captureSeconds);
      pause.observe({ domain, phase: 'encode' }, encodeSeconds);
      bytes.set({ domain }, size);
    },
  };
}
