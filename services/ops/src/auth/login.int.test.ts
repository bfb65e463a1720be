import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@switchboard/testkit';
import { startOpsBed, TEST_SESSION_SECRET, type OpsBed } from '../test-support.js';
import { Browser, startLocalProvider, type LocalProvider } from './test-oidc.js';

/**
 * The console's real login: ops (openid-client) against a local OpenID provider (oidc-provider),
 * a browser played with fetch: redirect, sign-in and consent at the provider, callback (code,
 * PKCE verifier, state, nonce), the session cookie on the API and SSE, logout.
 */
describe('ops console login over OIDC', () => {
  let bed: OpsBed;
  let provider: LocalProvider;
  let callback: string;
  beforeAll(async () => {
    const port = await freePort();
    callback = `http://127.0.0.1:${port}/auth/callback`;
    // The domain claim must be the bed's; the bed's scope is only known once it starts, so the
    // accounts are filled in then (findAccount reads them at login time).
    const accounts: Record<string, Record<string, unknown>> = {};
    provider = await startLocalProvider(callback, accounts);
    bed = await startOpsBed('opslogin', {
      oidc: { issuer: new URL(provider.issuer), clientId: provider.clientId, clientSecret: provider.clientSecret, redirectUrl: new URL(callback),
        scope: 'openid switchboard', roleClaim: 'role', domainClaim: 'domain' },
      sessionSecret: TEST_SESSION_SECRET,
    }, port);
    Object.assign(accounts, {
      lead: { role: 'supervisor', domain: bed.scope.domain },
      watcher: { role: ['ops'], domain: bed.scope.domain },
      desk: { role: 'agent', domain: bed.scope.domain },
      stranger: { role: 'supervisor', domain: 'another-tenant' },
    });
  });
  afterAll(async () => {
    await bed?.close();
    await provider?.close();
  });

  /** Console → provider → callback, as `account`; resolves the browser and ops's answer to the callback. */
  const login = async (account: string) => {
    const browser = new Browser();
    const first = await browser.fetch(`${bed.url}/`);
    expect(first.status).toBe(302);
    const toLogin = new URL(first.headers.get('location')!, bed.url);
    expect(toLogin.pathname).toBe('/auth/login');
    const redirect = await browser.fetch(toLogin);
    expect(redirect.status).toBe(302);
    const authorization = new URL(redirect.headers.get('location')!);
    const back = await browser.signInAtProvider(authorization, account, callback);
    return { browser, authorization, back, answer: await browser.fetch(back) };
  };

  it('sends an unauthenticated console to the provider with PKCE (S256), state and nonce', async () => {
    const browser = new Browser();
    const page = await browser.fetch(`${bed.url}/`);
    expect(page.status).toBe(302);
    const start = await browser.fetch(new URL(page.headers.get('location')!, bed.url));
    const url = new URL(start.headers.get('location')!);
    expect(url.origin).toBe(provider.issuer);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(url.searchParams.get('nonce')).toBeTruthy();
    expect(url.searchParams.get('redirect_uri')).toBe(callback);
    // The API answers 401 (not a redirect) to a request without a session.
    expect((await browser.fetch(`${bed.url}/api/snapshot`)).status).toBe(401);
  });

  it('logs a supervisor in: the session reaches /api/snapshot, the API and SSE; logout ends it everywhere', async () => {
    const { browser, answer } = await login('lead');
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe('/');
    const cookie = answer.headers.getSetCookie().find((c) => c.startsWith('sb_ops_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect((await browser.fetch(`${bed.url}/`)).status).toBe(200);
    const snapshot = await browser.fetch(`${bed.url}/api/snapshot`);
    // Through the login: no router runs here, so the snapshot itself is unavailable, not refused.
    expect(snapshot.status).toBe(503);
    expect(await snapshot.json()).toMatchObject({ error: { code: 'OPS.UNAVAILABLE' } });
    expect((await browser.fetch(`${bed.url}/api/contacts`)).status).toBe(200);
    const session = (await (await browser.fetch(`${bed.url}/auth/session`)).json()) as { subject: string; role: string; csrfToken: string };
    expect(session).toMatchObject({ subject: 'lead', role: 'supervisor' });
    const controller = new AbortController();
    const sse = await browser.fetch(`${bed.url}/api/events`, { signal: controller.signal });
    expect(sse.status).toBe(200);
    expect(sse.headers.get('content-type')).toContain('text/event-stream');
    controller.abort();

    // Logout is a POST with the session's CSRF token; without it the session stays.
    expect((await browser.fetch(`${bed.url}/auth/logout`, { method: 'POST' })).status).toBe(403);
    const copied = browser.cookie(bed.url, 'sb_ops_session')!;
    const out = await browser.fetch(`${bed.url}/auth/logout`, { method: 'POST', headers: { 'x-csrf-token': session.csrfToken, accept: 'application/json' } });
    expect(out.status).toBe(200);
    expect(((await out.json()) as { location: string }).location).toContain(provider.issuer);
    expect((await browser.fetch(`${bed.url}/api/contacts`)).status).toBe(401);
    // A copy of the cookie kept from before is worthless: the session is gone from Redis.
    const thief = new Browser();
    thief.setCookie(bed.url, 'sb_ops_session', copied);
    expect((await thief.fetch(`${bed.url}/api/contacts`)).status).toBe(401);
  });

  it('gives an ops reader (role claim as a list) a session with redacted data', async () => {
    const { browser, answer } = await login('watcher');
    expect(answer.status).toBe(302);
    expect(await (await browser.fetch(`${bed.url}/auth/session`)).json()).toMatchObject({ role: 'ops' });
    expect((await browser.fetch(`${bed.url}/api/contacts`)).status).toBe(200);
  });

  it('refuses a callback whose state is not the one this browser was sent with', async () => {
    const browser = new Browser();
    const start = await browser.fetch(`${bed.url}/auth/login`);
    const authorization = new URL(start.headers.get('location')!);
    const back = await browser.signInAtProvider(authorization, 'lead', callback);
    const forged = new URL(back);
    forged.searchParams.set('state', 'not-the-state');
    const answer = await browser.fetch(forged);
    expect(answer.status).toBe(401);
    expect(await answer.text()).toMatch(/state/i);
    expect(browser.cookie(bed.url, 'sb_ops_session')).toBeUndefined();
    // Nor is a callback accepted in a browser that never started a login (no transaction cookie).
    const other = new Browser();
    expect((await other.fetch(back)).status).toBe(401);
  });

  it('refuses an agent (403) and another tenant (403) at the callback, without a session', async () => {
    for (const account of ['desk', 'stranger']) {
      const { browser, answer } = await login(account);
      expect(answer.status, account).toBe(403);
      expect(browser.cookie(bed.url, 'sb_ops_session'), account).toBeUndefined();
    }
  });

  it('does not trust a session cookie it did not sign', async () => {
    const browser = new Browser();
    browser.setCookie(bed.url, 'sb_ops_session', 'made-up.signature');
    expect((await browser.fetch(`${bed.url}/api/contacts`)).status).toBe(401);
    expect((await browser.fetch(`${bed.url}/`)).status).toBe(302);
  });
});
