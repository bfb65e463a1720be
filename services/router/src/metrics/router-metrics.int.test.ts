import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '@switchboard/metrics';
import { RouterHarness, testRules } from '../testing/router-harness.js';

/** The value of the first `name` series holding every given label (in any order), or 0. */
function value(page: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = page.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.slice(0, l.indexOf('}')).includes(w)));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('router metrics', () => {
  let h: RouterHarness;
  afterEach(async () => { await h?.close(); });

  it('counts offers and their results, observes ingest-to-offer latency, and samples queue depth and oldest wait', async () => {
    h = await RouterHarness.create(testRules());
    const registry = createMetricsRegistry({ service: 'router', processMetrics: false });
    await h.startRouter({ metrics: registry });
    const d = `domain="${h.domain}"`;
    const q = { domain: h.domain, queue: 'general', service: 'router' };
    await h.publishContact({ id: 'w1', receivedAtMs: Date.now() - 4_000 });
    await expect.poll(async () => value(await registry.metrics(), 'sb_queue_depth', q)).toBe(1);
    expect(value(await registry.metrics(), 'sb_queue_oldest_wait_seconds', q)).toBeGreaterThanOrEqual(3);

    const desk = h.desk('a1');
    await h.signIn({ id: 'a1' });
    await expect.poll(() => desk.filter((e) => e.offered).length).toBe(1);
    const token = desk.find((e) => e.offered)!.offered!.reservationToken;
    await h.client.command({ type: 'DECLINE', contactId: 'w1', agentId: 'a1', offerToken: token, reason: 'busy' });
    const desk2 = h.desk('a2');
    await h.signIn({ id: 'a2' });
    await expect.poll(() => desk2.filter((e) => e.offered).length).toBe(1);
    await h.client.command({ type: 'ACCEPT', contactId: 'w1', agentId: 'a2', offerToken: desk2.find((e) => e.offered)!.offered!.reservationToken });

    const page = await registry.metrics();
    expect(value(page, 'sb_offers_total', q)).toBe(2);
    expect(value(page, 'sb_offer_results_total', { ...q, result: 'declined' })).toBe(1);
    expect(value(page, 'sb_offer_results_total', { ...q, result: 'accepted' })).toBe(1);
    expect(value(page, 'sb_contacts_answered_total', q)).toBe(1);
    // One observation: the re-offer after the decline is not counted as routing latency.
    expect(value(page, 'sb_routing_latency_seconds_count', { domain: h.domain, channel: 'phone' })).toBe(1);
    expect(value(page, 'sb_queue_depth', q)).toBe(0);
    expect(page).toContain(`sb_queue_service_level_ratio{${d},queue="general",service="router"}`);
    expect(page).toContain(`sb_outbox_lag_records{${d},service="router"} 0`);
  });
});
