import type { Browser } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoutingBatch, RoutingEvent } from '@switchboard/contracts';
import { ensureStreams, publishDurable, routingSubject, type BusNames } from '@switchboard/bus';
import { startOps, type RunningOps } from '@switchboard/ops';
import { batchMsgId, EVENT_TYPES_HEADER, eventTypesHeader, ROUTING_BATCH, routerSubjects } from '@switchboard/router-api';
import { queueConfig } from '@switchboard/routing-core';
import { connectTestNats, connectTestRedis, createTestScope, type TestNats, type TestRedis } from '@switchboard/testkit';
import { OPS_TEST_AUTH, opsAuthorization } from '../support/ops-auth.js';
import { launchChromium } from '../support/chromium.js';


/**
 * The console's queue tiles show each queue's opening state and why, the next change in the
 * queue's time zone, its hours and holidays, surge mode, the forecast beside the measured service
 * level, and its hours and surge changes with their reasons, live as they land on ROUTING
 * (headless Debian Chromium, in-process ops, a stand-in for the router's query API).
 */
describe('ops console: queue hours and surge', () => {
  const scope = createTestScope('consolemodes');
  const names: BusNames = { contactsStream: scope.stream('CONTACTS'), routingStream: scope.stream('ROUTING'), deadLetterStream: scope.stream('DEADLETTER'), subjectRoot: `t${scope.id}` };
  let nats: TestNats;
  let redis: TestRedis;
  let ops: RunningOps;
  let browser: Browser;
  const mode = { open: true, nextChangeMs: Date.parse('2026-12-07T18:00:00+08:00'), surge: { active: false, pinned: false, sinceMs: 0 } as Record<string, unknown> };
  let seq = 0;

  const publish = async (partial: Partial<RoutingEvent>) => {
    const event = RoutingEvent.fromPartial({ id: `${scope.domain}:${++seq}`, domain: scope.domain, occurredAt: new Date(), sequence: seq, queueId: 'care', ruleVersion: 'v1', ...partial });
    const batch = RoutingBatch.fromPartial({ domain: scope.domain, epoch: 'test', firstPosition: seq,
      commands: [{ record: JSON.stringify({ n: seq, cid: '', at: Date.now(), cmd: { type: 'NOOP' } }), events: [event] }] });
    await publishDurable(nats.js, routingSubject(names, scope.domain, ROUTING_BATCH), RoutingBatch.encode(batch).finish(),
      { msgId: batchMsgId(scope.domain, 'test', seq), headers: { [EVENT_TYPES_HEADER]: eventTypesHeader(batch) } });
  };

  beforeAll(async () => {
    nats = await connectTestNats(scope);
    redis = await connectTestRedis(scope);
    await ensureStreams(nats.jsm, names);
    ops = await startOps({
      config: { httpPort: 0, grpcPort: 0, host: '127.0.0.1', domain: scope.domain, natsUrl: nats.url, redisUrl: redis.url, traceTtlSeconds: 600, auth: OPS_TEST_AUTH },
      logger: pino({ level: 'silent' }), names, keyPrefix: scope.redisPrefix,
    });
    const config = queueConfig('care', { hours: { timeZone: 'Asia/Shanghai', weekly: [{ isoWeekday: 1, windows: [{ open: '09:00', close: '18:00' }] }],
      holidays: [{ date: '2026-10-01', name: 'National Day', windows: [] }] }, surge: { auto: true, callbackOfferAfterSeconds: 0, deferEmailBelowPriority: 1, horizonSeconds: 900 } });
    nats.nc.subscribe(routerSubjects(names.subjectRoot, scope.domain).query, {
      callback: (_error, msg) => {
        const q = JSON.parse(new TextDecoder().decode(msg.data)) as { query: string };
        const body = q.query === 'queues' ? { queues: [{ queueId: 'care', waiting: 0, offered: 0, config, mode }] } : q.query === 'agents' ? { agents: [] } : { contacts: [] };
        msg.respond(new TextEncoder().encode(JSON.stringify({ ok: true, ...body })));
      },
    });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await ops?.stop();
    await nats?.cleanup();
    await redis?.cleanup();
  });

  it('shows open/closed with the reason and next change, surge, the forecast, hours and the changes, updating live', async () => {
    const page = await browser.newPage({ extraHTTPHeaders: await opsAuthorization(scope.domain) });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${ops.httpPort}/`);
    const tile = page.locator('.tile[data-queue="care"]');
    await page.locator('.tile[data-queue="care"][data-open="true"][data-surge="false"]').waitFor({ timeout: 15_000 });
    expect(await tile.locator('.opening').textContent()).toContain('closes 2026-12-07 18:00 Asia/Shanghai');
    expect(await tile.locator('.sl-forecast').textContent()).toBe('forecast —');
    await page.locator('#live[data-state="live"]').waitFor({ timeout: 10_000 });

    // A supervisor closes the queue and the forecast switches surge on: both land on ROUTING.
    Object.assign(mode, { open: false, nextChangeMs: undefined, surge: { active: true, pinned: false, source: 'FORECAST', sinceMs: Date.now() } });
    await publish({ hoursChanged: { open: false, reason: 'EMERGENCY', holiday: '' } });
    await publish({ surgeChanged: { active: true, source: 'FORECAST', reason: 'forecast service level 41% < target 80%', predictedServiceLevel: 0.41 } });
    await page.locator('.tile[data-queue="care"][data-open="false"][data-surge="true"]').waitFor({ timeout: 15_000 });
    // Folded away until unfolded: attached, not visible.
    await tile.locator('.changes li[data-change="hours"]').waitFor({ state: 'attached', timeout: 15_000 });
    await tile.locator('.changes li[data-change="surge"]').waitFor({ state: 'attached', timeout: 15_000 });
    expect(await tile.locator('.opening').textContent()).toContain('Closed');
    expect(await tile.locator('.surge-line').textContent()).toMatch(/Surge on.*by forecast.*auto/);
    expect(await tile.locator('.decided').textContent()).toContain('forecast 41.0%');

    await tile.locator('.mode-details summary').click();
    expect(await tile.locator('.hours li[data-weekday="1"]').textContent()).toContain('09:00–18:00');
    expect(await tile.locator('.hours li[data-weekday="7"]').textContent()).toContain('closed');
    expect(await tile.locator('.holidays li[data-holiday="2026-10-01"]').textContent()).toContain('National Day');
    const changes = await tile.locator('.changes li').allTextContents();
    expect(changes[0]).toContain('surge on (forecast, forecast 41.0%) — forecast service level 41% < target 80%');
    expect(changes[1]).toContain('closed (emergency)');
    // Unfolded details stay unfolded across the console's once-a-second redraw.
    await page.waitForTimeout(1_500);
    expect(await tile.locator('.mode-details').getAttribute('open')).not.toBeNull();
    expect(errors).toEqual([]);
  }, 60_000);
});
