import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerSubject } from '@switchboard/bus';
import { Channel, ContactUpdateKind, CustomerActionKind, CustomerNotice, RoutingEvent } from '@switchboard/contracts';
import { actionText, callbackConfirmedText, callbackOfferText, followUpConfirmedText, positionText } from '@switchboard/ingest-kit';
import { publishRoutingBatch } from '@switchboard/ingest-kit/testing';
import { connectTestNats, createTestScope, type TestNats, type TestScope } from '@switchboard/testkit';
import { createSession, FORM, openVisitor, startChatApp, type ChatTestApp, type Visitor } from './test-support.js';
import { closeSession } from './wait-follower.js';

const EN_FORM = { ...FORM, name: 'Ann Lee', language: 'en-GB' };

/** Resolves with the close code once the server closed the socket. */
function closeCode(visitor: Visitor): Promise<number> {
  return new Promise((resolve) => {
    if (visitor.ws.readyState === visitor.ws.CLOSED) return resolve(-1);
    visitor.ws.once('close', (code) => resolve(code));
  });
}

describe('ingest-chat: what a waiting visitor is told, and what they can answer', () => {
  let nats: TestNats;
  let scope: TestScope;
  let t: ChatTestApp;

  beforeEach(async () => {
    scope = createTestScope('chatwait');
    nats = await connectTestNats(scope);
    t = await startChatApp(nats.nc, scope, { abandonGraceMs: 100 });
  });
  afterEach(async () => {
    await t.app.close();
    await nats.cleanup();
  });

  let sequence = 0;
  async function publishEvent(contactId: string, body: Partial<RoutingEvent>): Promise<void> {
    const event = RoutingEvent.fromPartial({ id: `${t.domain}:${++sequence}`, domain: t.domain, sequence, occurredAt: new Date(), contactId, queueId: 'general', channel: Channel.CHANNEL_CHAT, ...body });
    await publishRoutingBatch(nats.js, t.bus.names, t.domain, [event]);
  }

  /** A session whose visitor wrote once: the contact exists and waits. */
  async function waiting(form: Record<string, unknown> = FORM): Promise<{ sessionId: string; token: string; contactId: string; visitor: Visitor }> {
    const { sessionId, token } = await createSession(t.url, form);
    const visitor = await openVisitor(t.url, sessionId, token);
    visitor.send({ type: 'message', id: 'm1', text: 'hello' });
    expect(await visitor.next()).toMatchObject({ type: 'ack', id: 'm1' });
    const contactId = (await t.sessions.get(sessionId))!.contactId;
    return { sessionId, token, contactId, visitor };
  }

  it("shows position notices of the visitor's own contact in their language, with the surge offer when it comes", async () => {
    const { contactId, visitor } = await waiting(EN_FORM);
    const subject = customerSubject(t.bus.names, t.domain, 'chat');
    const notice = (over: Partial<CustomerNotice>) => CustomerNotice.encode(CustomerNotice.fromPartial({
      domain: t.domain, contactId, channel: Channel.CHANNEL_CHAT, queueId: 'general', position: 3, estimatedWaitSeconds: 125.4, language: 'en-GB', ...over,
    })).finish();
    nats.nc.publish(subject, notice({ contactId: 'SOMEONEELSE0000000000000000' }));
    nats.nc.publish(subject, notice({}));
    expect(await visitor.next()).toEqual({
      type: 'system', kind: 'position', position: 3, estimatedWaitSeconds: 125, text: positionText('en', 3, 125.4), callbackOffered: false, callbackRequested: false,
    });
    nats.nc.publish(subject, notice({ position: 2, callbackOffered: true }));
    expect(await visitor.next()).toMatchObject({ kind: 'position', position: 2, callbackOffered: true, text: `${positionText('en', 2, 125.4)} ${callbackOfferText('en', 'leave-number')}` });
    await visitor.close();
  });

  it('refuses a bad callback number and an unknown frame type with 400 error frames naming the field; the socket stays open', async () => {
    const { sessionId, token } = await createSession(t.url);
    const visitor = await openVisitor(t.url, sessionId, token);
    visitor.send({ type: 'callback', number: '138 0013 8000' });
    expect(await visitor.next()).toMatchObject({ type: 'error', status: 400, field: 'number', error: expect.stringMatching(/E\.164/) });
    visitor.send({ type: 'hangup' });
    expect(await visitor.next()).toMatchObject({ type: 'error', status: 400, field: 'type', error: expect.stringMatching(/unknown frame type/) });
    // A valid callback before there is a place in the queue to keep.
    visitor.send({ type: 'callback', number: '+8613800138000' });
    expect(await visitor.next()).toMatchObject({ type: 'error', status: 409, rule: 'not_waiting' });
    visitor.send({ type: 'leave-email', address: 'li.lei@example.com' });
    expect(await visitor.next()).toMatchObject({ type: 'error', status: 409, rule: 'not_offered' });
    expect(visitor.ws.readyState).toBe(visitor.ws.OPEN);
    await visitor.close();
  });

  it('a callback while waiting is CALLBACK_REQUESTED on the contact, confirmed in zh; the chat ends 1000 and leaving is not ABANDONED', async () => {
    const { contactId, visitor } = await waiting();
    const closed = closeCode(visitor);
    visitor.send({ type: 'callback', number: '+8613800138000' });
    expect(await visitor.next()).toEqual({ type: 'system', kind: 'callback-confirmed', text: callbackConfirmedText('zh') });
    expect(await visitor.next()).toEqual({ type: 'system', kind: 'ended', reason: 'callback' });
    expect(await closed).toBe(1000);
    await new Promise((r) => setTimeout(r, 300));
    await t.app.abandonment.idle();
    const records = await t.records();
    expect(records.map((r) => r.update?.kind ?? 'arrived')).toEqual(['arrived', ContactUpdateKind.CONTACT_UPDATE_KIND_CALLBACK_REQUESTED]);
    expect(records[1]?.update).toMatchObject({ contactId, callbackNumber: '+8613800138000', channel: Channel.CHANNEL_CHAT });
  });

  it('a rejection while the visitor is away waits in the session and is shown on reconnect, then the chat ends 1000', async () => {
    const { sessionId, token, contactId, visitor } = await waiting(EN_FORM);
    await visitor.close();
    await publishEvent(contactId, { rejected: { reason: 'QUEUE_FULL', action: { kind: CustomerActionKind.CUSTOMER_ACTION_KIND_MESSAGE, targetQueueId: '', message: [] } } });
    await expect.poll(async () => (await t.sessions.get(sessionId))?.pending?.length).toBe(1);
    const back = await openVisitor(t.url, sessionId, token);
    const closed = closeCode(back);
    expect(await back.next()).toEqual({
      type: 'system', kind: 'closed', id: `closed:${contactId}`, reason: 'QUEUE_FULL', action: 'MESSAGE', text: actionText('en', 'QUEUE_FULL', { kind: 'MESSAGE' }),
    });
    expect(await back.next()).toEqual({ type: 'system', kind: 'ended', reason: 'closed' });
    expect(await closed).toBe(1000);
    await expect.poll(async () => (await t.sessions.get(sessionId))?.pending).toBeUndefined();
    // The visitor left before the rejection: the contact is gone, nothing is reported for it.
    await t.app.abandonment.idle();
    expect(await t.records()).toHaveLength(1);
  });

  it('an expiry offering a callback: the number left becomes a follow-up contact that is a queued callback', async () => {
    const { sessionId, contactId, visitor } = await waiting();
    await publishEvent(contactId, { expired: { waitSeconds: 600, reason: 'MAX_WAIT', action: { kind: CustomerActionKind.CUSTOMER_ACTION_KIND_CALLBACK_OFFER, targetQueueId: '', message: [] } } });
    expect(await visitor.next()).toMatchObject({ kind: 'closed', reason: 'MAX_WAIT', action: 'CALLBACK_OFFER', offer: 'callback', text: actionText('zh', 'MAX_WAIT', { kind: 'CALLBACK_OFFER' }) });
    visitor.send({ type: 'message', id: 'm2', text: 'still there?' });
    expect(await visitor.next()).toMatchObject({ type: 'error', status: 409, rule: 'closed' });
    visitor.send({ type: 'leave-email', address: 'li.lei@example.com' });
    expect(await visitor.next()).toMatchObject({ type: 'error', status: 409, rule: 'not_offered' });
    const closed = closeCode(visitor);
    visitor.send({ type: 'callback', number: '+8613800138000' });
    expect(await visitor.next()).toEqual({ type: 'system', kind: 'follow-up-confirmed', via: 'callback', text: followUpConfirmedText('zh', 'callback'), duplicate: false });
    expect(await visitor.next()).toEqual({ type: 'system', kind: 'ended', reason: 'follow-up' });
    expect(await closed).toBe(1000);
    const records = await t.records();
    const followUp = records.find((r) => r.arrived?.intent === 'follow-up-callback')?.arrived;
    expect(followUp).toMatchObject({ customer: { phoneNumber: '+8613800138000', emailAddress: FORM.email }, historyContactIds: [contactId], conversationId: sessionId });
    expect(followUp?.id).not.toBe(contactId);
    expect(records.find((r) => r.update?.kind === ContactUpdateKind.CONTACT_UPDATE_KIND_CALLBACK_REQUESTED)?.update)
      .toMatchObject({ contactId: followUp?.id, callbackNumber: '+8613800138000' });
    // The same event again (a redelivery) changes nothing.
    await publishEvent(contactId, { expired: { waitSeconds: 600, reason: 'MAX_WAIT' } });
    await new Promise((r) => setTimeout(r, 300));
    expect((await t.sessions.get(sessionId))?.pending).toBeUndefined();
  });

  it('a surge callback offer is shown while waiting', async () => {
    const { contactId, visitor } = await waiting(EN_FORM);
    await publishEvent(contactId, { callbackOffered: { reason: 'SURGE' } });
    expect(await visitor.next()).toEqual({ type: 'system', kind: 'callback-offer', id: `callback-offer:${contactId}`, text: callbackOfferText('en', 'leave-number') });
    await visitor.close();
  });

  it('the replica holding the socket shows frames another replica stored and nudged', async () => {
    const other = await startChatApp(nats.nc, scope, { abandonGraceMs: 100 });
    try {
      const { sessionId, token } = await createSession(t.url, EN_FORM);
      const visitor = await openVisitor(other.url, sessionId, token);
      visitor.send({ type: 'message', id: 'm1', text: 'hello' });
      await visitor.next();
      await expect.poll(() => other.app.relay.size).toBe(1);
      expect(t.app.relay.size).toBe(0);
      await t.sessions.update(sessionId, (s) => closeSession(s, 'CLOSED', { kind: 'LEAVE_EMAIL' }, Date.now(), 60_000));
      t.app.relay.nudge(sessionId);
      expect(await visitor.next()).toMatchObject({ kind: 'closed', reason: 'CLOSED', offer: 'leave-email', text: actionText('en', 'CLOSED', { kind: 'LEAVE_EMAIL' }) });
      await visitor.close();
    } finally {
      await other.app.close();
    }
  });

  it('an offer nobody answers runs out: the socket closes 1000, and a reconnect is told the chat ended', async () => {
    await t.app.close();
    t = await startChatApp(nats.nc, scope, { abandonGraceMs: 100, followUpWindowMs: 400 });
    const { sessionId, token, contactId, visitor } = await waiting();
    const closed = closeCode(visitor);
    await publishEvent(contactId, { rejected: { reason: 'CLOSED', action: { kind: CustomerActionKind.CUSTOMER_ACTION_KIND_LEAVE_EMAIL, targetQueueId: '', message: [{ language: 'zh', text: '春节放假，请留下邮箱' }] } } });
    expect(await visitor.next()).toMatchObject({ kind: 'closed', reason: 'CLOSED', offer: 'leave-email', text: '春节放假，请留下邮箱' });
    expect(await visitor.next()).toEqual({ type: 'system', kind: 'ended', reason: 'offer-expired' });
    expect(await closed).toBe(1000);
    const again = await openVisitor(t.url, sessionId, token);
    const closedAgain = closeCode(again);
    expect(await again.next()).toEqual({ type: 'system', kind: 'ended', reason: 'offer-expired' });
    expect(await closedAgain).toBe(1000);
  });
});
