import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry, ingestMetrics, metricsHandler, routingMetrics } from './index.js';

describe('metrics', () => {
  it('defines each metric set once per registry and labels every series with the service', async () => {
    const registry = createMetricsRegistry({ service: 'router', processMetrics: false });
    const metrics = routingMetrics(registry);
    expect(routingMetrics(registry)).toBe(metrics);
    metrics.offers.inc({ domain: 'default', queue: 'sales' });
    metrics.offerEnded('default', 'sales', 'declined');
    metrics.answer('default', 'sales', true);
    metrics.answer('default', 'sales', false);
    metrics.routingLatency.observe({ domain: 'default', channel: 'phone' }, 0.2);
    const text = await registry.metrics();
    expect(text).toContain('sb_offers_total{domain="default",queue="sales",service="router"} 1');
    expect(text).toContain('sb_offer_results_total{domain="default",queue="sales",result="declined",service="router"} 1');
    expect(text).toContain('sb_contacts_answered_total{domain="default",queue="sales",service="router"} 2');
    expect(text).toContain('sb_contacts_answered_within_threshold_total{domain="default",queue="sales",service="router"} 1');
    expect(text).toContain('sb_routing_latency_seconds_bucket{le="0.25",service="router",domain="default",channel="phone"} 1');
  });

  it('samples queue and outbox gauges at scrape time, dropping queues that vanished', async () => {
    const registry = createMetricsRegistry({ service: 'router', processMetrics: false });
    let queues = [{ domain: 'd', queue: 'vip', depth: 3, oldestWaitSeconds: 12.5, serviceLevel: 0.8 }, { domain: 'd', queue: 'gen', depth: 0, oldestWaitSeconds: 0 }];
    routingMetrics(registry).useSamplers({ queues: () => queues, outbox: async () => [{ domain: 'd', pending: 4 }] });
    let text = await registry.metrics();
    expect(text).toContain('sb_queue_depth{domain="d",queue="vip",service="router"} 3');
    expect(text).toContain('sb_queue_oldest_wait_seconds{domain="d",queue="vip",service="router"} 12.5');
    expect(text).toContain('sb_queue_service_level_ratio{domain="d",queue="vip",service="router"} 0.8');
    expect(text).not.toContain('sb_queue_service_level_ratio{domain="d",queue="gen"');
    expect(text).toContain('sb_outbox_lag_records{domain="d",service="router"} 4');
    queues = [];
    text = await registry.metrics();
    expect(text).not.toContain('queue="vip"');
  });

  it('serves /metrics over node:http and answers 500 when a sampler fails', async () => {
    const registry = createMetricsRegistry({ service: 'ingest-phone' });
    ingestMetrics(registry).record('phone', 'accepted');
    const server = createServer((req, res) => void metricsHandler(registry)(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    try {
      const ok = await fetch(url);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toContain('text/plain');
      const body = await ok.text();
      expect(body).toContain('sb_ingest_results_total{channel="phone",result="accepted",service="ingest-phone"} 1');
      expect(body).toContain('sb_process_cpu_user_seconds_total');
      routingMetrics(registry).useSamplers({ queues: () => { throw new Error('redis away'); } });
      const failed = await fetch(url);
      expect(failed.status).toBe(500);
      expect(await failed.text()).toContain('redis away');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
