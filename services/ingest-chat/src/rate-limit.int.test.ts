import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContactUpdateKind } from '@switchboard/contracts';
import { connectTestNats, createTestScope, type TestNats } from '@switchboard/testkit';
import { createSession, openVisitor, startChatApp, type ChatTestApp } from './test-support.js';

describe('per-session frame rate limit on the chat WebSocket', () => {
  let nats: TestNats;
  let t: ChatTestApp;
  beforeEach(async () => {
    const scope = createTestScope('chatlimit');
    nats = await connectTestNats(scope);
    t = await startChatApp(nats.nc, scope, { messageRateLimit: { max: 3, windowMs: 60_000 } });
  });
  afterEach(async () => {
    await t.app.close();
    await nats.cleanup();
  });

  it('answers frames past the limit with a 429 error frame naming the wait, across the session’s sockets only', async () => {
    const { sessionId, token } = await createSession(t.url);
    const visitor = await openVisitor(t.url, sessionId, token);
    visitor.send({ type: 'message', id: 'm1', text: 'one' });
    visitor.send({ type: 'message', id: 'm2', text: 'two' });
    visitor.send({ type: 'read', message_id: 'agent-1' });
    visitor.send({ type: 'message', id: 'm3', text: 'three' });
    expect(await visitor.next()).toMatchObject({ type: 'ack', id: 'm1' });
    expect(await visitor.next()).toMatchObject({ type: 'ack', id: 'm2' });
    const refused = await visitor.next();
    expect(refused).toMatchObject({ type: 'error', status: 429, error: 'rate limit exceeded', id: 'm3' });
    expect(refused.type === 'error' ? refused.retry_after : 0).toBeGreaterThanOrEqual(59);

    // Typing is throttled on its own and still passes; the socket stays usable.
    visitor.send({ type: 'typing' });
    // A second socket of the same session shares the limit.
    const tab = await openVisitor(t.url, sessionId, token);
    tab.send({ type: 'message', id: 'm4', text: 'four' });
    expect(await tab.next()).toMatchObject({ type: 'error', status: 429, id: 'm4' });
    // Another session is not affected.
    const other = await createSession(t.url);
    const stranger = await openVisitor(t.url, other.sessionId, other.token);
    stranger.send({ type: 'message', id: 'x1', text: 'hello' });
    expect(await stranger.next()).toMatchObject({ type: 'ack', id: 'x1' });

    await expect.poll(() => t.count()).toBe(5);
    const kinds = (await t.records()).map((r) => (r.arrived ? `new:${r.arrived.summary}` : String(r.update?.kind)));
    expect(kinds.slice(0, 3)).toEqual(['new:one', String(ContactUpdateKind.CONTACT_UPDATE_KIND_MESSAGE), String(ContactUpdateKind.CONTACT_UPDATE_KIND_READ)]);
    // The two sockets' queues are independent: the typing update and the stranger's contact in either order.
    expect(kinds.slice(3).sort()).toEqual([String(ContactUpdateKind.CONTACT_UPDATE_KIND_TYPING), 'new:hello'].sort());
    await Promise.all([visitor.close(), tab.close(), stranger.close()]);
  });
});
