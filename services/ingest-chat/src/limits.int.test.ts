import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectTestNats, createTestScope, type TestNats } from '@switchboard/testkit';
import { createSession, FORM, openVisitor, startChatApp, type ChatTestApp } from './test-support.js';

/** The HTTP status a WebSocket upgrade was refused with (101 when it opened). */
function upgradeStatus(url: string, sessionId: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/sessions/${sessionId}/ws?token=${encodeURIComponent(token)}`);
    ws.once('open', () => { ws.close(); resolve(101); });
    ws.once('unexpected-response', (_request, response) => { resolve(response.statusCode ?? 0); ws.terminate(); });
    ws.once('error', (error) => { if (!/Unexpected server response/.test(error.message)) reject(error); });
  });
}

const postForm = (t: ChatTestApp) => fetch(`${t.url}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(FORM) });

describe('caps on chat sessions and sockets', () => {
  let nats: TestNats | undefined;
  let t: ChatTestApp | undefined;
  afterEach(async () => {
    await t?.app.close();
    await nats?.cleanup();
  });
  const start = async (overrides: Parameters<typeof startChatApp>[2]) => {
    const scope = createTestScope('chatcaps');
    nats = await connectTestNats(scope);
    t = await startChatApp(nats.nc, scope, overrides);
    return t;
  };

  it('refuses new sessions from one address past its allowance with 429 and Retry-After', async () => {
    const app = await start({ limits: { sessionsPerAddress: 2 } });
    expect((await postForm(app)).status).toBe(201);
    expect((await postForm(app)).status).toBe(201);
    const refused = await postForm(app);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(500);
    expect(await refused.json()).toMatchObject({ error: expect.stringMatching(/more than 2 new chat sessions from this address/) });
    // A malformed form is not a session: it is answered 400 and costs the address nothing.
    expect((await fetch(`${app.url}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(400);
  });

  it('refuses new sessions once the bucket holds the maximum, with 503 and Retry-After', async () => {
    const app = await start({ limits: { maxSessions: 2 } });
    expect((await postForm(app)).status).toBe(201);
    expect((await postForm(app)).status).toBe(201);
    // The count is read from the bucket at most once a second.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const refused = await postForm(app);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(await refused.json()).toMatchObject({ error: expect.stringMatching(/maximum of 2 chat sessions/) });
  });

  it('refuses a session more sockets than its cap before the upgrade (429); closing one frees a place', async () => {
    const app = await start({ limits: { maxSocketsPerSession: 2 } });
    const { sessionId, token } = await createSession(app.url);
    const first = await openVisitor(app.url, sessionId, token);
    const second = await openVisitor(app.url, sessionId, token);
    expect(await upgradeStatus(app.url, sessionId, token)).toBe(429);
    // Another session is not affected.
    const other = await createSession(app.url);
    expect(await upgradeStatus(app.url, other.sessionId, other.token)).toBe(101);
    await first.close();
    await expect.poll(() => upgradeStatus(app.url, sessionId, token)).toBe(101);
    await second.close();
  });

  it('counts authenticated upgrades per session and everything else per address', async () => {
    const app = await start({ rateLimit: { max: 3, timeWindowMs: 60_000 } });
    const { sessionId, token } = await createSession(app.url); // 1 from this address
    for (let i = 0; i < 3; i++) expect(await upgradeStatus(app.url, sessionId, token)).toBe(101);
    expect(await upgradeStatus(app.url, sessionId, token)).toBe(429);
    // The session's upgrades did not use up the address: two more forms pass, the third is limited.
    expect((await postForm(app)).status).toBe(201);
    expect((await postForm(app)).status).toBe(201);
    expect((await postForm(app)).status).toBe(429);
    // Bad tokens count per address too (already over): refused before they reach a session.
    expect(await upgradeStatus(app.url, sessionId, 'forged')).toBe(429);
  });
});
