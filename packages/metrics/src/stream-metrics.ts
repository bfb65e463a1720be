import { Gauge, type Registry } from 'prom-client';
import { METRIC_NAMES } from './names.js';
import { perRegistry } from './registry.js';

/** One JetStream stream's figures, as its stream info reported them at one poll. */
export interface StreamSample {
  readonly stream: string;
  readonly bytes: number;
  /** The configured byte limit; -1 when there is none (JetStream's own convention). */
  readonly maxBytes: number;
  readonly messages: number;
  /** Share of the binding limit in use (bytes or messages, whichever is nearer its limit), 0..1. */
  readonly usageRatio: number;
  /** Sequence of the oldest message kept: it advances when JetStream drops messages by age or size. */
  readonly firstSequence: number;
  /** Seconds since the oldest message kept was stored; 0 when the stream is empty. */
  readonly oldestAgeSeconds: number;
}

/** The stream gauges: set by a poller, so a failed poll leaves the last values in place. */
export interface StreamMetrics {
  set(sample: StreamSample): void;
}

/** The stream metric set of a registry (defined on first use, shared after). */
export const streamMetrics: (registry: Registry) => StreamMetrics = perRegistry((registry) => {
  const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames: ['stream'] as const, registers: [registry] });
  const bytes = gauge(METRIC_NAMES.streamBytes, 'Bytes the JetStream stream holds');
  const maxBytes = gauge(METRIC_NAMES.streamMaxBytes, 'Byte limit of the JetStream stream (-1: none)');
  const usage = gauge(METRIC_NAMES.streamUsage, 'Share of the stream binding limit in use (bytes or messages); at 1 CONTACTS refuses new contacts, ROUTING drops its oldest records');
  const messages = gauge(METRIC_NAMES.streamMessages, 'Messages the JetStream stream holds');
  const firstSequence = gauge(METRIC_NAMES.streamFirstSequence, 'Sequence of the oldest message kept; advances as old messages are dropped');
  const oldestAge = gauge(METRIC_NAMES.streamOldestAge, 'Age of the oldest message kept in the stream');
  return {
    set(s) {
      const labels = { stream: s.stream };
      bytes.set(labels, s.bytes);
      maxBytes.set(labels, s.maxBytes);
      usage.set(labels, s.usageRatio);
      messages.set(labels, s.messages);
      firstSequence.set(labels, s.firstSequence);
      oldestAge.set(labels, s.oldestAgeSeconds);
    },
  };
});
