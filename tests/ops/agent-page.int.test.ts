import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Channel, Presence, RoutingBatch, RoutingEvent } from '@switchboard/contracts';
import { ensureStreams, publishDurable, routingSubject, type BusNames } from '@switchboard/bus';
import { startOps, type RunningOps } from '@switchboard/ops';
import { batchMsgId, EVENT_TYPES_HEADER, eventTypesHeader, ROUTING_BATCH, routerSubjects } from '@switchboard/router-api';
import { connectTestNats, connectTestRedis, createTestScope, REPO_ROOT, type TestNats, type TestRedis } from '@switchboard/testkit';
import { OPS_TEST_AUTH, opsAuthorization } from '../support/ops-auth.js';
import { runCli } from './support/mesh.js';
import { launchChromium } from '../support/chromium.js';

/** Git-ignored: the screenshot is the test's output, not a file of the repository. */
const OUTPUT = join(REPO_ROOT, 'tests/ops/output');
const MIN = 60_000;
/** Four whole hours ago (UTC): the fixture's four hours are past and within the 35 days of 15-minute buckets. */
const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 4 * 3_600_000;
const at = (m: number) => new Date(T0 + m * MIN);
const iso = (m: number) => at(m).toISOString();

/**
 * Issue 15, must-show 3: the per-agent page in headless Chromium (Debian's, playwright-core),
 * reached from the console's agents list, shows the figures of a hand-computed fixture published
 * on ROUTING and draws their trends; the screenshot is written to tests/ops/output/. The CLI's
 * `switchboard agents --interval` reads the same figures.
 */
describe('the per-agent performance page and CLI', () => {
  const scope = createTestScope('agentpage');
  const names: BusNames = { contactsStream: scope.stream('CONTACTS'), routingStream: scope.stream('ROUTING'), deadLetterStream: scope.stream('DEADLETTER'), subjectRoot: `t${scope.id}` };
  let nats: TestNats;
  let redis: TestRedis;
  let ops: RunningOps;
  let browser: Browser;
  let seq = 0;
  const url = () => `http://127.0.0.1:${ops.httpPort}`;

  const publish = async (...partials: Partial<RoutingEvent>[]) => {
    const first = seq + 1;
    const events = partials.map((p) => RoutingEvent.fromPartial({ id: `${scope.domain}:${++seq}`, domain: scope.domain, sequence: seq, queueId: 'care', ruleVersion: 'v1', ...p }));
    const batch = RoutingBatch.fromPartial({ domain: scope.domain, epoch: 'test', firstPosition: first,
      commands: events.map((event) => ({ record: JSON.stringify({ n: event.sequence, cid: '', at: Date.now(), cmd: { type: 'NOOP' } }), events: [event] })) });
    await publishDurable(nats.js, routingSubject(names, scope.domain, ROUTING_BATCH), RoutingBatch.encode(batch).finish(),
      { msgId: batchMsgId(scope.domain, 'test', first), headers: { [EVENT_TYPES_HEADER]: eventTypesHeader(batch) } });
  };
  const presence = (agentId: string, m: number, from: Presence, to: Presence) =>
    publish({ agentId, occurredAt: at(m), presenceChanged: { previous: { presence: from, reason: '', since: at(m) }, presence: { presence: to, reason: '', since: at(m) } } });
  const ev = (contactId: string, m: number, body: Partial<RoutingEvent>): Partial<RoutingEvent> => ({ contactId, agentId: 'agent-ada', occurredAt: at(m), ...body });
  const offer = (c: string, m: number) => ev(c, m, { offered: { reservationToken: 1, expiresAt: at(m + 1) } });
  const accept = (c: string, m: number) => ev(c, m, { accepted: { reservationToken: 1, waitSeconds: 3 } });

  beforeAll(async () => {
    nats = await connectTestNats(scope);
    redis = await connectTestRedis(scope);
    await ensureStreams(nats.jsm, names);
    ops = await startOps({
      config: { httpPort: 0, grpcPort: 0, host: '127.0.0.1', domain: scope.domain, natsUrl: nats.url, redisUrl: redis.url, traceTtlSeconds: 600, auth: OPS_TEST_AUTH },
      logger: pino({ level: 'silent' }), names, keyPrefix: scope.redisPrefix,
    });
    // The router's query API, standing in: one agent signed in now (the console's agents list).
    const ada = { id: 'agent-ada', skills: {}, languages: ['en'], team: 'care', capacity: { chat: 3 }, queues: [{ queueId: 'care', priority: 1 }],
      presence: 'AVAILABLE', idleSinceMs: Date.now(), used: {}, consecutiveMisses: 0, contactIds: [] };
    nats.nc.subscribe(routerSubjects(names.subjectRoot, scope.domain).query, {
      callback: (_error, msg) => {
        const q = JSON.parse(new TextDecoder().decode(msg.data)) as { query: string };
        const body = q.query === 'queues' ? { queues: [] } : q.query === 'agents' ? { agents: [ada] } : { contacts: [] };
        msg.respond(new TextEncoder().encode(JSON.stringify({ ok: true, ...body })));
      },
    });
    // agent-ada over four hours (minutes after T0):
    //  hour 0: signed in at 0; c1 talk 2–10 (resolved), wrap 10–12; c2 offered at 14, declined.
    //  hour 0: c1's customer answers the survey at 20 with 5.
    //  hour 1: c3 talk 65–75 (not resolved), wrap 75–80; c4 offered at 90, timed out; c3's survey at 95: 2; c1 reviewed at 100: 80.
    //  hour 2: c5 accepted at 125, transferred out at 130; away from 150.
    //  hour 3: back at 190; signed out at 210.
    await presence('agent-ada', 0, Presence.PRESENCE_OFFLINE, Presence.PRESENCE_AVAILABLE);
    await publish(offer('c1', 2), accept('c1', 2));
    await publish(ev('c1', 10, { completed: { disposition: 'ok', notes: '', handleSeconds: 480, resolvedFirstContact: true } }));
    await publish(ev('c1', 12, { wrapUpEnded: { wrapUpSeconds: 120 } }));
    await publish(offer('c2', 14), ev('c2', 14.5, { declined: { reservationToken: 1, reason: 'busy' } }));
    await publish(offer('c3', 65), accept('c3', 65));
    await publish(ev('c3', 75, { completed: { disposition: 'ok', notes: '', handleSeconds: 600, resolvedFirstContact: false } }));
    await publish(ev('c3', 80, { wrapUpEnded: { wrapUpSeconds: 300 } }));
    await publish(ev('c1', 20, { surveyAnswered: { score: 5, comment: '', channel: Channel.CHANNEL_CHAT, answeredAt: at(20) } }));
    await publish(offer('c4', 90), ev('c4', 90.5, { timedOut: { reservationToken: 1, consecutiveMisses: 1 } }));
    await publish(ev('c3', 95, { surveyAnswered: { score: 2, comment: '', channel: Channel.CHANNEL_CHAT, answeredAt: at(95) } }));
    await publish(ev('c1', 100, { by: 'qa-lin', qaReviewScored: { score: 80, reviewer: 'qa-lin', formId: 'chat-v1', comment: '', criteria: [] } }));
    await publish(offer('c5', 125), accept('c5', 125));
    await publish({ contactId: 'c5', occurredAt: at(130), transferred: { fromAgentId: 'agent-ada', toQueueId: 'billing', reason: 'to billing', toAgentId: '', destination: '', by: '' } });
    await presence('agent-ada', 150, Presence.PRESENCE_AVAILABLE, Presence.PRESENCE_AWAY);
    await presence('agent-ada', 190, Presence.PRESENCE_AWAY, Presence.PRESENCE_AVAILABLE);
    await presence('agent-ada', 210, Presence.PRESENCE_AVAILABLE, Presence.PRESENCE_OFFLINE);
    await presence('agent-grace', 200, Presence.PRESENCE_OFFLINE, Presence.PRESENCE_AVAILABLE);
    await presence('agent-grace', 230, Presence.PRESENCE_AVAILABLE, Presence.PRESENCE_OFFLINE);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await ops?.stop();
    await nats?.cleanup();
    await redis?.cleanup();
  });

  /** Until the follower has stored the whole fixture: agent-grace's sign-out is its last event. */
  const stored = async () => {
    const headers = await opsAuthorization(scope.domain);
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      const res = await fetch(`${url()}/api/agents/performance?agent=agent-grace&interval=range&from=${iso(0)}&to=${iso(240)}`, { headers });
      const rows = ((await res.json()) as { rows?: { signedInSeconds?: number }[] }).rows ?? [];
      if (rows[0]?.signedInSeconds === 1800) return;
    }
    throw new Error('the fixture was not stored in time');
  };

  it('is reached from the agents list and shows the hand-computed figures and their trends', async ({ annotate }) => {
    await stored();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 }, deviceScaleFactor: 1, extraHTTPHeaders: await opsAuthorization(scope.domain) });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url());
    const link = page.locator('tr[data-agent="agent-ada"] a.agent-link');
    await link.waitFor({ timeout: 15_000 });
    expect(await link.getAttribute('href')).toBe('/agent?id=agent-ada');
    await link.click();
    await page.locator('body[data-loaded="agent-ada"]').waitFor({ timeout: 15_000 });
    // The fixture's four hours, hourly.
    await page.goto(`${url()}/agent?id=agent-ada&from=${iso(0)}&to=${iso(240)}&interval=1h`);
    await page.locator('body[data-loaded="agent-ada"]').waitFor({ timeout: 15_000 });
    const tile = async (key: string) => (await page.locator(`.perf-tile[data-figure="${key}"] dd`).textContent())?.trim();
    // Handled: c1 and c3. AHT = (480 + 120 + 600 + 300) / 2 = 750 s = 12:30; ACW = (120 + 300) / 2 = 210 s = 03:30.
    expect(await tile('handled')).toBe('2');
    expect(await tile('aht')).toBe('12:30');
    expect(await tile('acw')).toBe('03:30');
    // Busy 2–12, 65–80, 125–130 = 30 min; idle 50 + 45 + 25 + 20 = 140 min → occupancy 30 / 170 = 17.6 %.
    expect(await tile('occupancy')).toBe('17.6%');
    // Signed in 0–210 = 210 min; routable 60 + 60 + 30 + 20 = 170 min → adherence 170 / 210 = 81.0 %.
    expect(await tile('adherence')).toBe('81.0%');
    expect(await tile('signedin')).toBe('3:30:00');
    // c2 declined, c4 missed, c5 transferred out; FCR 1 of 2; CSAT (5 + 2) / 2 = 3.50; QA 80 of one review.
    expect([await tile('declined'), await tile('missed'), await tile('transfers'), await tile('fcr'), await tile('csat'), await tile('qa')])
      .toEqual(['1', '1', '1', '50.0%', '3.50', '80.0']);
    expect(await page.locator('.perf-tile[data-figure="csat"]').getAttribute('title')).toBe('2 surveys; 50.0% scored 4–5');
    // Trends: one point per hour. Handled 1, 1, 0, 0; occupancy 10/60, 15/60, 5/30, 0/20; adherence 1, 1, 30/60, 20/30.
    const chart = page.locator('svg.chart[data-metric="contactsHandled"]');
    expect(await chart.getAttribute('data-values')).toBe('1 1 0 0');
    expect(await chart.locator('rect.bar-mark').count()).toBe(2);
    expect(await page.locator('svg.chart[data-metric="occupancy"]').getAttribute('data-values')).toBe('0.1667 0.25 0.1667 0');
    expect(await page.locator('svg.chart[data-metric="adherence"]').getAttribute('data-values')).toBe('1 1 0.5 0.6667');
    // AHT per hour: 600 s, 900 s, then no contact handled: a gap, not a zero.
    expect(await page.locator('svg.chart[data-metric="ahtSeconds"]').getAttribute('data-values')).toBe('600 900  ');
    expect(await page.locator('svg.chart[data-metric="ahtSeconds"] circle.dot-mark').count()).toBe(2);
    expect(await page.locator('svg.chart[data-metric="csat"]').getAttribute('data-values')).toBe('5 2  ');
    expect(await page.locator('svg.chart[data-metric="qaScore"]').getAttribute('data-values')).toBe(' 80  ');
    expect(await page.locator('#rows tr').count()).toBe(4);
    expect(await page.locator('#others a').allTextContents()).toEqual(['agent-ada', 'agent-grace']);
    expect(await page.locator('#csv').getAttribute('href')).toContain('/api/agents/performance.csv?');
    expect(errors).toEqual([]);

    mkdirSync(OUTPUT, { recursive: true });
    const shot = join(OUTPUT, 'agent-performance.png');
    await page.screenshot({ path: shot, fullPage: true });
    process.stdout.write(`agent page screenshot: ${shot}\n`);
    await annotate('agent page screenshot', { path: shot, contentType: 'image/png' });
  }, 90_000);

  it('gives the same figures through `switchboard agents --interval`, as a table and as CSV', async () => {
    await stored();
    const cli = (...args: string[]) => runCli(['agents', ...args, '--ops-url', url(), '--from', iso(0), '--to', iso(240)]);
    // One process each, at once (each CLI start costs seconds on a loaded machine).
    const [csv, tableRun, bad] = await Promise.all([cli('--interval', 'range', '--agent', 'agent-ada', '--csv'), cli('--interval', '1h'),
      runCli(['agents', '--interval', '5m', '--ops-url', url()])]);
    expect(csv.stderr).toBe('');
    const [header, line] = csv.stdout.split('\r\n');
    const cells = Object.fromEntries(header!.split(',').map((name, i) => [name, line!.split(',')[i]]));
    expect(cells).toMatchObject({ agent_id: 'agent-ada', contacts_handled: '2', aht_seconds: '750', acw_seconds: '210', occupancy: '0.176471',
      adherence: '0.809524', declined: '1', missed: '1', transfers_out: '1', first_contact_resolution: '0.5', surveys_answered: '2', csat: '3.5', csat_satisfied: '0.5',
      qa_reviews: '1', qa_score: '80' });
    expect(tableRun.code).toBe(0);
    expect(tableRun.stdout).toMatch(/│ agent\s+│ from \(UTC\)\s+│ handled\s+│ AHT/);
    expect(tableRun.stdout).toMatch(new RegExp(`│ agent-ada\\s+│ ${iso(60).slice(0, 16).replace('T', ' ')}\\s+│ 1\\s+│ 15:00\\s+│ 05:00\\s+│ 25\\.0%`));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--interval must be one of 15m, 1h, 1d, range');
  }, 60_000);
});
