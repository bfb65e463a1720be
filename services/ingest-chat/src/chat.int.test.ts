import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Channel, ContactUpdateKind, RoutingEvent } from '@switchboard/contracts';
import { publishRoutingBatch } from '@switchboard/ingest-kit/testing';
import { connectTestNats, createTestScope, type TestNats } from '@switchboard/testkit';
import { CHAT_PROTOCOL } from './routes.js';
import { createSession, FORM, identifierHash, openVisitor, startChatApp, type ChatTestApp } from './test-support.js';

describe('ingest-chat on real JetStream with real WebSocket clients', () => {
  let nats: TestNats;
  let t: ChatTestApp;

  beforeEach(async () => {
    const scope = createTestScope('chat');
    nats = await connectTestNats(scope);
    // A grace long enough that the test's own reconnect always lands inside it, even on a busy CI.
    t = await startChatApp(nats.nc, scope, { abandonGraceMs: 1_000 });
  });
  afterEach(async () => {
    await t.app.close();
    await nats.cleanup();
  });

  let sequence = 0;
  /** An `OfferAccepted` routing event, in a batch of its own as the router's outbox relay publishes it. */
  async function publishAccepted(contactId: string, channel: Channel): Promise<void> {
    const domain = t.domain;
    const event = RoutingEvent.fromPartial({ id: `${domain}:${++sequence}`, domain, sequence, occurredAt: new Date(), contactId, agentId: 'agent-3', channel, accepted: { reservationToken: 1 } });
    await publishRoutingBatch(nats.js, t.bus.names, domain, [event]);
  }

  it('first message opens the contact (once across resends), later ones are MESSAGE updates; typing and read pass through', async () => {
    const { sessionId, token } = await createSession(t.url);
    const visitor = await openVisitor(t.url, sessionId, token);
    visitor.send({ type: 'typing' });
    visitor.send({ type: 'message', id: 'm1', text: '我的账单有问题' });
    expect(await visitor.next()).toEqual({ type: 'ack', id: 'm1', duplicate: false });
    visitor.send({ type: 'message', id: 'm1', text: '我的账单有问题' });
    expect(await visitor.next()).toEqual({ type: 'ack', id: 'm1', duplicate: true });
    visitor.send({ type: 'typing' });
    visitor.send({ type: 'message', id: 'm2', text: 'hello?' });
    expect(await visitor.next()).toMatchObject({ type: 'ack', id: 'm2' });
    visitor.send({ type: 'read', message_id: 'agent-1' });
    await expect.poll(() => t.count()).toBe(4);
    const [arrived, typing, message, read] = await t.records();
    expect(arrived?.arrived).toMatchObject({
      channel: Channel.CHANNEL_CHAT,
      intent: 'billing',
      summary: '我的账单有问题',
      conversationId: sessionId,
      channelIds: { chatSessionId: sessionId },
      customer: { displayName: FORM.name, emailAddress: FORM.email, language: 'zh-CN', id: '' },
    });
    const contactId = arrived?.arrived?.id;
    expect(typing?.update).toMatchObject({ contactId, kind: ContactUpdateKind.CONTACT_UPDATE_KIND_TYPING });
    expect(message?.update).toMatchObject({ contactId, kind: ContactUpdateKind.CONTACT_UPDATE_KIND_MESSAGE, messageId: 'm2', summary: 'hello?' });
    expect(read?.update).toMatchObject({ contactId, kind: ContactUpdateKind.CONTACT_UPDATE_KIND_READ, messageId: 'agent-1' });
    await visitor.close();
  });

  it('a visitor leaving before an agent answers abandons the contact, once; a quick reconnect does not', async () => {
    const { sessionId, token } = await createSession(t.url);
    const first = await openVisitor(t.url, sessionId, token);
    first.send({ type: 'message', id: 'm1', text: 'hi' });
    await first.next();
    await first.close();
    const again = await openVisitor(t.url, sessionId, token); // page reload within the grace period
    await t.app.abandonment.idle();
    expect(await t.count()).toBe(1);
    await again.close();
    await t.app.abandonment.idle();
    const records = await t.records();
    expect(records).toHaveLength(2);
    expect(records[1]?.update).toMatchObject({ contactId: records[0]?.arrived?.id, kind: ContactUpdateKind.CONTACT_UPDATE_KIND_ABANDONED });
    // Leaving without writing anything leaves no contact to abandon.
    const quiet = await createSession(t.url);
    await (await openVisitor(t.url, quiet.sessionId, quiet.token)).close();
    await t.app.abandonment.idle();
    expect(await t.count()).toBe(2);
  });

  it('a visitor leaving after the router reports an agent accepted the chat ends the contact instead', async () => {
    const { sessionId, token } = await createSession(t.url);
    const visitor = await openVisitor(t.url, sessionId, token);
    visitor.send({ type: 'message', id: 'm1', text: 'hi' });
    await visitor.next();
    const contactId = (await t.records())[0]?.arrived?.id ?? '';
    // Acceptances of other channels' contacts and of unknown chats change nothing.
    await publishAccepted(contactId, Channel.CHANNEL_EMAIL);
    await publishAccepted('7ZZZZZZZZZZZZZZZZZZZZZZZZZ', Channel.CHANNEL_CHAT);
    await publishAccepted(contactId, Channel.CHANNEL_CHAT);
    await expect.poll(async () => (await t.sessions.get(sessionId))?.answered).toBe(true);
    await visitor.close();
    await t.app.abandonment.idle();
    const records = await t.records();
    expect(records).toHaveLength(2);
    expect(records[1]?.update).toMatchObject({ contactId, kind: ContactUpdateKind.CONTACT_UPDATE_KIND_ENDED });
  });

  it('refuses a bad token with HTTP 401 before the upgrade; accepts the token as a subprotocol', async () => {
    const { sessionId, token } = await createSession(t.url);
    const other = await createSession(t.url);
    const wsUrl = `${t.url.replace(/^http/, 'ws')}/v1/sessions/${sessionId}/ws`;
    for (const url of [`${wsUrl}?token=${other.token}`, wsUrl]) {
      const status = await new Promise<number>((resolve) => {
        const ws = new WebSocket(url);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => resolve(101));
      });
      expect(status).toBe(401);
    }
    const viaProtocol = new WebSocket(wsUrl, [CHAT_PROTOCOL, `bearer.${token}`]);
    await new Promise((resolve, reject) => { viaProtocol.once('open', resolve); viaProtocol.once('error', reject); });
    expect(viaProtocol.protocol).toBe(CHAT_PROTOCOL);
    viaProtocol.close();
  });

  it('verifies identifier_hash: a signed identifier becomes the customer id, a forged one is 403', async () => {
    const post = (body: unknown) => t.app.http.inject({ method: 'POST', url: '/v1/sessions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    const forged = await post({ ...FORM, identifier: 'cust-42', identifier_hash: identifierHash('cust-43') });
    expect(forged.statusCode).toBe(403);
    const half = await post({ ...FORM, identifier: 'cust-42' });
    expect(half.json()).toMatchObject({ field: 'identifier_hash', rule: 'required' });
    const signed = await post({ ...FORM, identifier: 'cust-42', identifier_hash: identifierHash('cust-42') });
    expect(signed.statusCode).toBe(201);
    const { sessionId, token } = signed.json<{ sessionId: string; token: string }>();
    const visitor = await openVisitor(t.url, sessionId, token);
    visitor.send({ type: 'message', id: 'x1', text: 'hi' });
    await visitor.next();
    expect((await t.records())[0]?.arrived?.customer?.id).toBe('cust-42');
    await visitor.close();
  });

  it('names the broken field of a pre-chat form', async () => {
    const res = await t.app.http.inject({ method: 'POST', url: '/v1/sessions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ ...FORM, page_url: 'javascript:alert(1)' }) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'page_url' });
  });
});
