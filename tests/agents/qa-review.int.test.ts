import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { status, type ServiceError } from '@grpc/grpc-js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Channel, CustomerTier, EnqueueRequest, type ScoreQaReviewRequest } from '@switchboard/contracts';
import { startOps, type RunningOps } from '@switchboard/ops';
import { startLocalProvider, type LocalProvider } from '@switchboard/ops/testing';
import { opsKeyPrefix } from '@switchboard/state';
import { freePort } from '@switchboard/testkit';
import { opsAuthorization } from '../support/ops-auth.js';
import { Desk } from './support/desk.js';
import { agent, agentRules } from './support/fixtures.js';
import { call, codeOf, Mesh, SECRET, TOKENS, until } from './support/mesh.js';
import { launchChromium } from '../support/chromium.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SESSION_SECRET = 'qa-review-session-secret-0123456789abcdef';

/** The agents' general queue, marking every complaint for QA review (and no share at random). */
function rulesWithSampling(): Record<string, unknown> {
  const rules = agentRules() as { queues: Record<string, unknown>[] };
  rules.queues[0] = { ...rules.queues[0], qaSampling: { percent: 0, intents: ['complaint'] } };
  return rules;
}

/**
 * Quality sampling end to end: the queue's rule marks a complaint at its completion (ROUTING), ops'
 * review list shows it (API and `switchboard qa list`), a supervisor scores it with `switchboard qa
 * score` (QueueService), and the score lands on ROUTING against the agent with the reviewer as `by`.
 */
describe('QA review: sampled, listed, scored on the record', () => {
  let mesh: Mesh;
  let ops: RunningOps;
  let desk: Desk;
  let provider: LocalProvider;
  let opsUrl = '';
  const cli = (args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile('pnpm', ['-s', 'switchboard', ...args], { cwd: ROOT, env: { ...process.env, SWITCHBOARD_JWT_SECRET: SECRET, SWITCHBOARD_DOMAIN: mesh.domain }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
  beforeAll(async () => {
    mesh = await Mesh.start({ rules: rulesWithSampling(), agents: [agent('a1')], graceSeconds: 1 });
    const port = await freePort();
    opsUrl = `http://127.0.0.1:${port}`;
    provider = await startLocalProvider(`${opsUrl}/auth/callback`, { 'qa-lead': { role: 'supervisor', domain: mesh.domain, teams: ['*'] } });
    ops = await startOps({
      config: { httpPort: port, grpcPort: 0, host: '127.0.0.1', domain: mesh.domain, natsUrl: mesh.nats.url, redisUrl: mesh.redis.url, traceTtlSeconds: 600,
        // Bearer tokens for the API and CLI; a console login (OIDC) for the reviewer in Chromium, who scores through ops as themselves.
        auth: { tokens: TOKENS, sessionSecret: SESSION_SECRET, sessionTtlSeconds: 600,
          oidc: { issuer: new URL(provider.issuer), clientId: provider.clientId, clientSecret: provider.clientSecret, redirectUrl: new URL(`${opsUrl}/auth/callback`),
            scope: 'openid switchboard', roleClaim: 'role', domainClaim: 'domain' } },
        edges: { agentGateway: `127.0.0.1:${mesh.gateway.port}`, queueService: `127.0.0.1:${mesh.queues.port}` } },
      // The queue service reads the review list under ops' own prefix, as in a deployment.
      logger: pino({ level: 'silent' }), names: mesh.names, keyPrefix: opsKeyPrefix(mesh.scope.redisPrefix),
    });
    desk = await Desk.open(mesh, 'a1');
    await desk.signIn();
    await desk.connect();
  }, 60_000);
  afterAll(async () => {
    desk?.close();
    await ops?.stop();
    await provider?.close();
    await mesh?.close();
  });

  const handle = async (id: string, intent: string) => {
    await call(mesh.queueClient.enqueue.bind(mesh.queueClient), EnqueueRequest.fromPartial({ contact: {
      id, channel: Channel.CHANNEL_CHAT, domain: mesh.domain, intent, conversationId: `conv-${id}`, customer: { id: `cust-${id}`, tier: CustomerTier.CUSTOMER_TIER_STANDARD } } }),
    await mesh.auth('widget', 'platform'));
    await desk.accept(await desk.nextOffer(id));
    await desk.complete(id);
  };
  const reviews = async (scored = false) => {
    const headers = await opsAuthorization(mesh.domain, 'supervisor', SECRET);
    const body = (await (await fetch(`http://127.0.0.1:${ops.httpPort}/api/qa/reviews${scored ? '?scored=true' : ''}`, { headers })).json()) as { items?: Record<string, unknown>[] };
    return body.items ?? [];
  };
  const score = async (request: Partial<ScoreQaReviewRequest>, role: 'supervisor' | 'agent' = 'supervisor') =>
    call(mesh.queueClient.scoreQaReview.bind(mesh.queueClient), { domain: '', contactId: '', formId: 'basic', criteria: [], comment: '', ...request },
      await mesh.auth(role === 'agent' ? 'a1' : 'qa-lead', role));

  it('marks the complaint (not the billing question), lists it, and records the reviewer\'s score against the agent', async () => {
    await handle('qa-billing', 'billing');
    await handle('qa-complaint', 'complaint');
    const listed = await until('the complaint in the review list', async () => {
      const items = await reviews();
      return items.some((i) => i.contactId === 'qa-complaint') ? items : undefined;
    });
    expect(listed.map((i) => i.contactId)).toEqual(['qa-complaint']);
    expect(listed[0]).toMatchObject({ agentId: 'a1', queueId: 'general', channel: 'CHANNEL_CHAT', reasons: ['INTENT'], intent: 'complaint', disposition: 'resolved' });
    const marked = (await mesh.routingEvents()).filter((e) => e.qaReviewRequested);
    expect(marked.map((e) => e.contactId)).toEqual(['qa-complaint']);

    const table = await cli(['qa', 'list', '--ops-url', `http://127.0.0.1:${ops.httpPort}`]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/qa-complaint\s*│\s*a1\s*│\s*general\s*│\s*chat\s*│\s*intent\s*│\s*resolved/);

    const scored = await cli(['qa', 'score', 'qa-complaint', '--form', 'basic', '--criterion', 'greeting=4/5', '--criterion', 'resolution=12/15',
      '--comment', 'apologised, fixed it', '--as', 'qa-lead', '--queue-service', `127.0.0.1:${mesh.queues.port}`]);
    expect(scored.code, scored.stderr).toBe(0);
    expect(scored.stdout).toContain('qa-complaint: scored 80/100 for agent a1');
    const recorded = await until('the score on ROUTING', async () => (await mesh.routingEvents()).find((e) => e.qaReviewScored));
    expect(recorded).toMatchObject({ contactId: 'qa-complaint', agentId: 'a1', queueId: 'general', by: 'qa-lead',
      qaReviewScored: { score: 80, reviewer: 'qa-lead', formId: 'basic', comment: 'apologised, fixed it',
        criteria: [{ criterion: 'greeting', points: 4, maxPoints: 5 }, { criterion: 'resolution', points: 12, maxPoints: 15 }] } });

    const done = await until('the review among the scored ones', async () => {
      const items = await reviews(true);
      return items.length === 1 ? items : undefined;
    });
    expect(done[0]).toMatchObject({ contactId: 'qa-complaint', score: 80, reviewer: 'qa-lead', formId: 'basic' });
    expect(await reviews()).toEqual([]);
  }, 90_000);

  it('refuses desks, contacts never marked, and points outside a criterion, each with its reason', async () => {
    const criteria = [{ criterion: 'greeting', points: 4, maxPoints: 5 }];
    expect(await codeOf(score({ contactId: 'qa-complaint', criteria }, 'agent'))).toBe(status.PERMISSION_DENIED);
    const missing = await score({ contactId: 'qa-billing', criteria }).catch((e: ServiceError) => e);
    expect(missing).toMatchObject({ code: status.NOT_FOUND });
    expect((missing as ServiceError).details).toContain('not in the QA review list');
    const over = await score({ contactId: 'qa-complaint', criteria: [{ criterion: 'greeting', points: 6, maxPoints: 5 }] }).catch((e: ServiceError) => e);
    expect(over).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect((over as ServiceError).details).toContain('criterion greeting: points must be 0..5');
    expect(await codeOf(score({ contactId: 'qa-complaint', formId: '', criteria }))).toBe(status.INVALID_ARGUMENT);
    // None of the refusals reached the record.
    expect((await mesh.routingEvents()).filter((e) => e.qaReviewScored)).toHaveLength(1);
  }, 30_000);

  /** A browser page logged in to the console as `account` through the provider's login and consent pages. */
  async function logIn(browser: Browser, account: string): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 1200 } })).newPage();
    await page.goto(opsUrl);
    for (let step = 0; step < 6 && !page.url().startsWith(opsUrl); step++) {
      await page.waitForSelector('form', { timeout: 15_000 });
      if (await page.locator('input[name="login"]').count()) {
        await page.fill('input[name="login"]', account);
        await page.fill('input[name="password"]', 'any');
      }
      await Promise.all([page.waitForNavigation({ timeout: 15_000 }), page.locator('button[type="submit"]').first().click()]);
    }
    return page;
  }

  it('gives the logged-in reviewer the list on the console: the full trace, a score form, and the score on the record in their name', async () => {
    await handle('qa-console', 'complaint');
    const browser = await launchChromium();
    try {
      const page = await logIn(browser, 'qa-lead');
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      // The list refreshes every 10 s; the mark may land just after the first load.
      const item = page.locator('#qa-list li[data-contact="qa-console"] a');
      await item.waitFor({ timeout: 25_000 });
      await item.click();
      await page.locator('.qa-open .trace-body[data-contact="qa-console"] li[data-kind="qaReviewRequested"]').waitFor({ timeout: 10_000 });
      await page.locator('.qa-open .trace-body li[data-kind="completed"]').waitFor({ timeout: 10_000 });
      // Full marks give 100; 3 of 5 on the greeting gives (3 + 35) / 40 = 95.
      expect(await page.locator('.qa-total').textContent()).toBe('100 / 100');
      await page.fill('.qa-form input[name="p0"]', '3');
      expect(await page.locator('.qa-total').textContent()).toBe('95 / 100');
      expect(await page.locator('.qa-command').textContent()).toContain("switchboard qa score 'qa-console' --form 'basic' --criterion 'greeting=3/5'");
      await page.fill('.qa-form textarea[name="comment"]', 'kind, a little slow');
      await page.click('.qa-submit');
      await page.locator('.qa-result[data-state="ok"]').waitFor({ timeout: 15_000 });
      expect(await page.locator('.qa-result').textContent()).toBe('Scored 95/100 for a1, by qa-lead');
      const recorded = await until('the console\'s score on ROUTING', async () => (await mesh.routingEvents()).find((e) => e.qaReviewScored && e.contactId === 'qa-console'));
      expect(recorded).toMatchObject({ agentId: 'a1', by: 'qa-lead', qaReviewScored: { score: 95, reviewer: 'qa-lead', formId: 'basic', comment: 'kind, a little slow' } });
      expect(errors).toEqual([]);
      const dir = join(ROOT, 'tests/artifacts');
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, 'qa-review.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 90_000);
});
