import type { StreamInfo } from 'nats';
import type { Logger } from 'pino';
import { streamMetrics, type Registry, type StreamSample } from '@switchboard/metrics';

/** What the poller needs of a JetStreamManager. */
export interface StreamInfoSource {
  readonly streams: { info(name: string): Promise<StreamInfo> };
}

export interface StreamUsageOptions {
  readonly registry: Registry;
  readonly jsm: StreamInfoSource;
  /** The streams to watch (CONTACTS and ROUTING). */
  readonly streams: readonly string[];
  readonly logger: Logger;
  /** Time between polls; default 5 s. */
  readonly intervalMs?: number;
  readonly clock?: () => number;
}

/** A running poller; see {@link startStreamUsage}. */
export interface StreamUsagePoller {
  /** Polls every stream once now (the timer goes on as before). */
  pollNow(): Promise<void>;
  /** Stops polling; resolves once a poll in flight has settled. */
  stop(): Promise<void>;
}

/**
 * Polls the streams' info every `intervalMs` and sets the `sb_stream_*` gauges. A stream's info
 * is read on a timer rather than at scrape time so that a slow or absent JetStream cannot hold
 * up `/metrics`; a failed poll logs a warning and leaves that stream's gauges as they were.
 */
export function startStreamUsage(options: StreamUsageOptions): StreamUsagePoller {
  const metrics = streamMetrics(options.registry);
  const clock = options.clock ?? Date.now;
  const logger = options.logger.child({ component: 'stream-usage' });
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const pollOnce = () => (inFlight ??= Promise.all(options.streams.map(async (stream) => {
    try {
      metrics.set(streamSample(await options.jsm.streams.info(stream), clock()));
    } catch (error) {
      logger.warn({ err: error, stream }, 'stream usage poll failed');
    }
  })).then(() => undefined).finally(() => { inFlight = undefined; }));

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void pollOnce().then(schedule), options.intervalMs ?? 5_000);
    timer.unref();
  };
  void pollOnce().then(schedule);

  return {
    pollNow: pollOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}

/**
 * One stream's figures from its info. The usage ratio is that of the binding limit: bytes
 * against `max_bytes` or messages against `max_msgs`, whichever is nearer (a limit of -1 or 0
 * is none). The age limit is not in the ratio; `oldestAgeSeconds` against `max_age` shows it.
 */
export function streamSample(info: StreamInfo, nowMs: number): StreamSample {
  const { state, config } = info;
  const share = (used: number, limit: number | undefined) => (limit !== undefined && limit > 0 ? used / limit : 0);
  const firstMs = state.messages > 0 ? Date.parse(state.first_ts) : Number.NaN;
  return {
    stream: config.name,
    bytes: state.bytes,
    maxBytes: config.max_bytes,
    messages: state.messages,
    usageRatio: Math.max(share(state.bytes, config.max_bytes), share(state.messages, config.max_msgs)),
    firstSequence: state.first_seq,
    oldestAgeSeconds: Number.isFinite(firstMs) ? Math.max(0, nowMs - firstMs) / 1000 : 0,
  };
}
