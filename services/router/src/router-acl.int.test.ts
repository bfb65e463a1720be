import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '@switchboard/metrics';
import { redisSettingsFromEnv } from '@switchboard/state';
import { startAclRedis, type AclRedis } from '@switchboard/state/testing';
import { RouterHarness, testRules } from './testing/router-harness.js';

describe('the router under its Redis ACL user', () => {
  let h: RouterHarness | undefined;
  let acl: AclRedis | undefined;
  afterEach(async () => {
    await h?.close();
    await acl?.stop();
  });

  it('starts, takes its lease and routes a contact to an agent through accept and complete (the ACL is sufficient)', async () => {
    h = await RouterHarness.create(testRules(), 'routeracl');
    acl = await startAclRedis(h.scope.redisPrefix);
    // With metrics on, the scrape's outbox depth (XLEN) and the commit counters run under the user too.
    const metrics = createMetricsRegistry({ service: 'router' });
    await h.startRouter({ redisUrl: acl.url, redisSettings: redisSettingsFromEnv(acl.env('router')), metrics });
    const desk = h.desk('a1');
    await h.signIn({ id: 'a1' });
    await h.publishContact({ id: 'c1' });
    await expect.poll(() => desk.filter((e) => e.offered).map((e) => e.contactId)).toEqual(['c1']);
    const token = desk.find((e) => e.offered)!.offered!.reservationToken;
    expect(await h.client.command({ type: 'ACCEPT', contactId: 'c1', agentId: 'a1', offerToken: token })).toMatchObject({ ok: true });
    expect(await h.client.command({ type: 'COMPLETE', contactId: 'c1', agentId: 'a1', disposition: 'resolved' })).toMatchObject({ ok: true });
    await expect.poll(async () => (await h!.client.query({ query: 'agent', agentId: 'a1' })) as unknown, { timeout: 5_000 })
      .toMatchObject({ ok: true, agent: { presence: 'AVAILABLE', contactIds: [] } });
    expect(await metrics.metrics()).toContain('router_');
    // What it wrote is where the ACL allows: the domain's keys under the prefix.
    const admin = acl.client(acl.admin);
    expect(await admin.exists(`${h.scope.redisPrefix}{d:${h.domain}}:lease`)).toBe(1);
    expect(await admin.zcard(`${h.scope.redisPrefix}router:replicas`)).toBe(1);
  });
});
