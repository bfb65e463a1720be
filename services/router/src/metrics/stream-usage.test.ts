import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { StreamInfo } from 'nats';
import { createMetricsRegistry } from '@switchboard/metrics';
import { startStreamUsage, streamSample } from './stream-usage.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');

function info(name: string, state: Partial<StreamInfo['state']>, config: Partial<StreamInfo['config']> = {}): StreamInfo {
  return {
    config: { name, max_bytes: 1_000, max_msgs: -1, ...config },
    state: { messages: 10, bytes: 500, first_seq: 1, first_ts: '2026-12-01T11:59:00Z', last_seq: 10, ...state },
  } as unknown as StreamInfo;
}

describe('stream usage', () => {
  it('takes the usage ratio of the binding limit, and the oldest message age from its timestamp', () => {
    expect(streamSample(info('ROUTING', { bytes: 900, first_seq: 42 }), NOW)).toEqual({
      stream: 'ROUTING', bytes: 900, maxBytes: 1_000, messages: 10, usageRatio: 0.9, firstSequence: 42, oldestAgeSeconds: 60,
    });
    // 10 of 20 messages is nearer its limit than 100 of 1,000 bytes.
    expect(streamSample(info('ROUTING', { bytes: 100 }, { max_msgs: 20 }), NOW).usageRatio).toBe(0.5);
    // No limits: never full by size; an empty stream has no oldest message.
    expect(streamSample(info('CONTACTS', { messages: 0, bytes: 0, first_ts: '0001-01-01T00:00:00Z' }, { max_bytes: -1 }), NOW))
      .toMatchObject({ usageRatio: 0, maxBytes: -1, oldestAgeSeconds: 0 });
  });

  it('sets the gauges per stream, and keeps the last values when a poll fails', async () => {
    const registry = createMetricsRegistry({ service: 'router', processMetrics: false });
    let failing = false;
    let bytes = 250;
    const jsm = { streams: { info: async (name: string) => {
      if (failing && name === 'ROUTING') throw new Error('timeout');
      return info(name, { bytes });
    } } };
    const warnings: unknown[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
    const poller = startStreamUsage({ registry, jsm, streams: ['CONTACTS', 'ROUTING'], logger, intervalMs: 60_000, clock: () => NOW });
    await poller.pollNow();
    let page = await registry.metrics();
    expect(page).toContain('sb_stream_usage_ratio{stream="ROUTING",service="router"} 0.25');
    expect(page).toContain('sb_stream_bytes{stream="CONTACTS",service="router"} 250');
    expect(page).toContain('sb_stream_max_bytes{stream="ROUTING",service="router"} 1000');
    expect(page).toContain('sb_stream_messages{stream="ROUTING",service="router"} 10');
    expect(page).toContain('sb_stream_first_sequence{stream="ROUTING",service="router"} 1');
    expect(page).toContain('sb_stream_oldest_age_seconds{stream="ROUTING",service="router"} 60');

    failing = true;
    bytes = 990;
    await poller.pollNow();
    page = await registry.metrics();
    expect(page).toContain('sb_stream_usage_ratio{stream="ROUTING",service="router"} 0.25');
    expect(page).toContain('sb_stream_usage_ratio{stream="CONTACTS",service="router"} 0.99');
    expect(warnings).toEqual([expect.objectContaining({ stream: 'ROUTING', msg: 'stream usage poll failed' })]);
    await poller.stop();
  });
});
