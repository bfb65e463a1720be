import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { AcceptRequest, SignInRequest } from '@switchboard/contracts';
import { startOps, type RunningOps } from '@switchboard/ops';
import { startLocalProvider, type LocalProvider } from '@switchboard/ops/testing';
import type { RouterClient } from '@switchboard/router-api';
import { freePort, REPO_ROOT } from '@switchboard/testkit';
import { agent, agentRules, enqueue } from '../agents/support/fixtures.js';
import { call, Mesh, TOKENS, until } from '../agents/support/mesh.js';
import { launchChromium } from '../support/chromium.js';

const ARTIFACTS = join(REPO_ROOT, 'tests/artifacts');
const SESSION_SECRET = 'console-actions-session-secret-0123456789';

/**
 * Issue 13, the console's supervisor controls: people log in through OpenID Connect in headless
 * Chromium; a supervisor ends a contact and changes an agent's skill from the console, both on
 * the record with the supervisor as `by`; an edge's refusal is shown with its reason; a read-only
 * viewer is refused (403), and so is a POST without the session's CSRF token.
 */
describe('console supervisor controls in headless Chromium', () => {
  let mesh: Mesh;
  let ops: RunningOps;
  let provider: LocalProvider;
  let browser: Browser;
  let router: RouterClient;
  let opsUrl: string;

  beforeAll(async () => {
    mesh = await Mesh.start({ rules: agentRules(), agents: [agent('s1')], graceSeconds: 30 });
    router = mesh.routerClient();
    const port = await freePort();
    opsUrl = `http://127.0.0.1:${port}`;
    provider = await startLocalProvider(`${opsUrl}/auth/callback`, {
      'lead-ada': { role: 'supervisor', domain: mesh.domain, teams: ['*'] },
      'watcher-bo': { role: 'ops', domain: mesh.domain },
    });
    ops = await startOps({
      config: { httpPort: port, grpcPort: 0, host: '127.0.0.1', domain: mesh.domain, natsUrl: mesh.nats.url, redisUrl: mesh.redis.url, traceTtlSeconds: 600,
        auth: { tokens: TOKENS, sessionSecret: SESSION_SECRET, sessionTtlSeconds: 600,
          oidc: { issuer: new URL(provider.issuer), clientId: provider.clientId, clientSecret: provider.clientSecret, redirectUrl: new URL(`${opsUrl}/auth/callback`),
            scope: 'openid switchboard', roleClaim: 'role', domainClaim: 'domain' } },
        edges: { agentGateway: `127.0.0.1:${mesh.gateway.port}`, queueService: `127.0.0.1:${mesh.queues.port}` } },
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), names: mesh.names, keyPrefix: mesh.scope.redisPrefix,
    });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await ops?.stop();
    await provider?.close();
    await mesh?.close();
  });

  /** A fresh browser (its own cookies) logged in to the console as `account` through the provider's login and consent pages. */
  async function logIn(account: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    await page.goto(opsUrl);
    for (let step = 0; step < 6 && !page.url().startsWith(opsUrl); step++) {
      await page.waitForSelector('form', { timeout: 15_000 });
      if (await page.locator('input[name="login"]').count()) {
        await page.fill('input[name="login"]', account);
        await page.fill('input[name="password"]', 'any');
      }
      await Promise.all([page.waitForNavigation({ timeout: 15_000 }), page.locator('button[type="submit"]').first().click()]);
    }
    await page.locator('#live[data-state="live"]').waitFor({ timeout: 15_000 });
    return page;
  }

  /** A POST from inside the page, as a script of the console would send it (the session cookie rides along). */
  const postFrom = (page: Page, path: string, csrf: boolean) => page.evaluate(async ({ path, csrf }) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (csrf) headers['x-csrf-token'] = ((await (await fetch('/auth/session')).json()) as { csrfToken: string }).csrfToken;
    const response = await fetch(path, { method: 'POST', headers, body: '{}' });
    return { status: response.status, body: await response.json() };
  }, { path, csrf });

  const contactState = async (contactId: string) => {
    const reply = await router.query({ query: 'contact', contactId });
    return (reply.ok ? reply['contact'] : undefined) as { agentId?: string; offerToken?: number; state: string } | undefined;
  };
  const bearer = async () => ({ authorization: `Bearer ${await mesh.token('test-reader', 'supervisor')}` });

  it('a supervisor ends a contact and changes a skill from the console, both recorded as by them; an edge refusal is shown with its reason', async () => {
    const page = await logIn('lead-ada');
    await page.locator('#contact-actions').waitFor({ timeout: 10_000 });
    expect(await page.locator('#who').textContent()).toContain('lead-ada');

    // s1 signs in and takes a call.
    const desk = await mesh.auth('s1');
    await call(mesh.agentClient.signIn.bind(mesh.agentClient), SignInRequest.fromPartial({}), desk);
    await enqueue(mesh, 'ca-1');
    const offer = await until('ca-1 offered to s1', async () => {
      const c = await contactState('ca-1');
      return c?.state === 'OFFERED' && c.agentId === 's1' ? c.offerToken : undefined;
    });
    await call(mesh.agentClient.accept.bind(mesh.agentClient), AcceptRequest.fromPartial({ contactId: 'ca-1', reservationToken: offer }), desk);
    await until('ca-1 connected', async () => (await contactState('ca-1'))?.state === 'CONNECTED');

    await page.fill('#act-contact', 'ca-1');
    await page.fill('#act-contact-reason', 'caller hung up, line stuck');
    await page.click('#contact-actions button[data-action="end"]');
    await page.locator('#action-result[data-state="ok"]').waitFor({ timeout: 15_000 }).catch(async (e: Error) => { throw new Error(`${e.message}: ${await page.locator('#action-result').textContent()}`); });
    expect(await page.locator('#action-result').textContent()).toContain('by lead-ada');

    // Picked from the agents table.
    await page.click('tr[data-agent="s1"] td:first-child');
    expect(await page.inputValue('#act-agent')).toBe('s1');
    await page.fill('#act-skills', 'billing=4');
    await page.fill('#act-languages', 'en, zh');
    await page.click('#agent-actions button[data-action="profile"]');
    await page.locator('#action-result[data-state="ok"]').filter({ hasText: 'Change profile' }).waitFor({ timeout: 15_000 });

    // The gateway's refusal, with its reason, in the console: a contact wrapping up has nothing left to end.
    await page.click('#contact-actions button[data-action="end"]');
    const refused = page.locator('#action-result[data-state="error"]');
    await refused.waitFor({ timeout: 15_000 });
    expect(await refused.textContent()).toMatch(/End contact refused \((409|404)\): (contact "ca-1" is WRAP_UP: nothing is left to end|no live contact "ca-1")/);

    // On the record: the contact's trace (the console draws it too) and the agent's actions.
    const completed = await until('ca-1 completed by lead-ada in its trace', async () => {
      const r = await fetch(`${opsUrl}/api/contacts/ca-1/trace`, { headers: await bearer() });
      const events = r.ok ? ((await r.json()) as { events: Record<string, unknown>[] }).events : [];
      return events.find((e) => e['completed'] && e['by'] === 'lead-ada');
    });
    expect(completed).toMatchObject({ completed: { disposition: 'ended-by-supervisor' } });
    await page.fill('#search-input', 'ca-1');
    await page.click('#search button');
    await page.locator('.trace-body[data-contact="ca-1"]').filter({ hasText: '[by lead-ada]' }).waitFor({ timeout: 10_000 });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'ops-console-actions.png'), fullPage: true });
    const changed = await until('the skill change by lead-ada', async () => {
      const r = await fetch(`${opsUrl}/api/agents/s1/actions`, { headers: await bearer() });
      const events = r.ok ? ((await r.json()) as { events: Record<string, unknown>[] }).events : [];
      return events.find((e) => e['profileChanged'] && e['by'] === 'lead-ada');
    });
    expect(changed).toMatchObject({ agentId: 's1', profileChanged: { changed: expect.arrayContaining(['skills']) } });
    const live = await router.query({ query: 'agent', agentId: 's1' });
    expect(live.ok && (live['agent'] as { skills: Record<string, number> }).skills).toEqual({ billing: 4 });
  }, 120_000);

  it('refuses a POST without the session\'s CSRF token, and a read-only viewer, each with the reason', async () => {
    const lead = await logIn('lead-ada');
    const noCsrf = await postFrom(lead, '/api/agents/s1/sign-out', false);
    expect(noCsrf).toMatchObject({ status: 403, body: { error: { code: 'OPS.PERMISSION_DENIED', message: expect.stringContaining('x-csrf-token') } } });

    const viewer = await logIn('watcher-bo');
    await viewer.locator('#supervise-note').filter({ hasText: 'read-only' }).waitFor({ timeout: 10_000 });
    expect(await viewer.locator('#contact-actions').count()).toBe(0);
    const asViewer = await postFrom(viewer, '/api/agents/s1/sign-out', true);
    expect(asViewer).toMatchObject({ status: 403, body: { error: { code: 'OPS.PERMISSION_DENIED', message: expect.stringContaining('read-only') } } });
    // Neither reached the gateway: s1 is still signed in.
    const live = await router.query({ query: 'agent', agentId: 's1' });
    expect(live.ok && (live['agent'] as { presence: string }).presence).not.toBe('OFFLINE');
  }, 120_000);
});
