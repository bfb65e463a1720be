import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { status, type ServiceError } from '@grpc/grpc-js';
import { ContactState } from '@switchboard/contracts';
import { Desk } from './support/desk.js';
import { agent, agentRules, enqueue } from './support/fixtures.js';
import { call, codeOf, Mesh, until } from './support/mesh.js';

const GRACE_SECONDS = 1;
const OFFER_TIMEOUT_SECONDS = 4;

describe('agent desktops over gRPC (generated client)', () => {
  let mesh: Mesh;
  const desks: Desk[] = [];
  const open = async (id: string) => { const d = await Desk.open(mesh, id); desks.push(d); await d.signIn(); await d.connect(); return d; };
  const signOutAll = async () => {
    for (const d of desks.splice(0)) {
      await call(d.api.signOut.bind(d.api), { sessionId: d.sessionId }, d.md).catch(() => undefined);
      d.close();
    }
  };
  beforeAll(async () => {
    mesh = await Mesh.start({ rules: agentRules(), agents: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8'].map((id) => agent(id)), graceSeconds: GRACE_SECONDS });
  });
  afterEach(async () => {
    await signOutAll();
  });
  afterAll(async () => {
    await mesh?.close();
  });

  it('signs in, gets an offer with the contact context on its stream, accepts, completes with wrap-up', async () => {
    const desk = await open('a1');
    await enqueue(mesh, 'c-happy');
    const offer = await desk.nextOffer('c-happy');
    expect(offer.expiresAt!.getTime()).toBeGreaterThan(Date.now());
    expect(offer.contact).toMatchObject({ id: 'c-happy', conversationId: 'conv-c-happy', queueId: 'general', intent: 'billing' });
    const accepted = await desk.accept(offer);
    expect(accepted.contact?.state).toBe(ContactState.CONTACT_STATE_CONNECTED);
    const done = await desk.complete('c-happy');
    expect(done.wrapUpEndsAt!.getTime()).toBeGreaterThan(Date.now());
    await until('COMPLETED on the stream', () => desk.messages.some((m) => m.contactStateChanged?.state === ContactState.CONTACT_STATE_COMPLETED));
    const states = desk.messages.flatMap((m) => (m.contactStateChanged ? [m.contactStateChanged.state] : []));
    expect(states).toEqual([ContactState.CONTACT_STATE_CONNECTED, ContactState.CONTACT_STATE_WRAP_UP, ContactState.CONTACT_STATE_COMPLETED]);
  });

  it('a declined offer goes to the next agent; nobody acts on an offer that is not theirs', async () => {
    const [d1, d2] = [await open('a1'), await open('a2')];
    await enqueue(mesh, 'c-decline');
    const first = await until('first offer', () => [d1, d2].find((d) => d.offers().length > 0));
    const other = first === d1 ? d2 : d1;
    const offer = await first.nextOffer('c-decline');
    expect((await codeOf(other.accept(offer)))).toBe(status.PERMISSION_DENIED);
    await first.decline(offer);
    await until('offer withdrawn', () => first.messages.some((m) => m.offerWithdrawn?.contactId === 'c-decline'));
    const next = await other.nextOffer('c-decline');
    await other.accept(next);
    await other.complete('c-decline');
  });

  it('a desktop killed mid-offer loses the offer to another agent within grace + offer timeout, and goes OFFLINE', async () => {
    const d3 = await open('a3');
    await enqueue(mesh, 'c-killed');
    await d3.nextOffer('c-killed');
    d3.kill();
    const killedAt = Date.now();
    const d4 = await open('a4');
    const offer = await d4.nextOffer('c-killed', (GRACE_SECONDS + OFFER_TIMEOUT_SECONDS + 2) * 1000);
    expect(Date.now() - killedAt).toBeLessThan((GRACE_SECONDS + OFFER_TIMEOUT_SECONDS + 1) * 1000);
    const router = mesh.routerClient();
    await until('a3 offline', async () => {
      const reply = await router.query({ query: 'agent', agentId: 'a3' });
      return !reply.ok || (reply['agent'] as { presence: string }).presence === 'OFFLINE';
    });
    await d4.accept(offer);
    await d4.complete('c-killed');
  });

  it('a reconnect within the grace period resumes the session and replays the open offer', async () => {
    const d5 = await open('a5');
    await enqueue(mesh, 'c-resume');
    const offer = await d5.nextOffer('c-resume');
    d5.disconnect();
    await new Promise((r) => setTimeout(r, 300));
    const again = await Desk.open(mesh, 'a5');
    desks.push(again);
    expect(await again.signIn(d5.sessionId)).toMatchObject({ resumed: true });
    await again.connect();
    const replayed = await again.nextOffer('c-resume', 2_000);
    expect(replayed.reservationToken).toBe(offer.reservationToken);
    await again.accept(replayed);
    await again.complete('c-resume');
  });

  it('a supervisor transfer keeps the contact age and history; agents may not force-assign', async () => {
    const [d6, d7] = [await open('a6'), await open('a7')];
    const receivedAt = new Date(Date.now() - 60_000);
    await enqueue(mesh, 'c-transfer', { receivedAt });
    const first = await until('first offer', () => [d6, d7].find((d) => d.offers().length > 0));
    const target = first === d6 ? d7 : d6;
    await first.accept(await first.nextOffer('c-transfer'));
    const sup = await mesh.auth('lead', 'supervisor');
    expect(await codeOf(call(first.api.forceAssign.bind(first.api), { contactId: 'c-transfer', agentId: target.agentId }, first.md))).toBe(status.PERMISSION_DENIED);
    const moved = await call(mesh.agentClient.transfer.bind(mesh.agentClient), { contactId: 'c-transfer', agentId: target.agentId, reason: 'escalation' }, sup);
    expect(moved.contact?.receivedAt?.getTime()).toBe(receivedAt.getTime());
    const offer = await target.nextOffer('c-transfer');
    expect(offer.contact?.receivedAt?.getTime()).toBe(receivedAt.getTime());
    expect(offer.contact?.conversationId).toBe('conv-c-transfer');
    expect(offer.contact?.attributes).toContainEqual({ key: 'queue_history', value: 'general' });
    expect(first.messages.some((m) => m.contactStateChanged?.contactId === 'c-transfer' && m.contactStateChanged.state === ContactState.CONTACT_STATE_TRANSFERRED)).toBe(true);
    await target.accept(offer);
    await target.complete('c-transfer');
  });

  it('a stream whose session ended (signed in elsewhere, signed out) is closed with NOT_FOUND', async () => {
    const first = await open('a8');
    const elsewhere = await open('a8'); // a fresh sign-in without the live id replaces the session
    const ended = await until('first stream ended', () => first.streamError, (GRACE_SECONDS + 2) * 1000);
    expect(ended).toMatchObject({ code: status.NOT_FOUND, details: expect.stringContaining('sign in again') });
    expect(elsewhere.streamError).toBeUndefined();
    // Offers now reach only the live desk.
    await enqueue(mesh, 'c-replaced');
    const offer = await elsewhere.nextOffer('c-replaced');
    expect(offer.contact?.id).toBe('c-replaced');
    expect(first.offers()).toEqual([]);
    // Served before signing out: an open offer would go back to the queue and reach the next
    // test's desk ahead of that test's own contact.
    await elsewhere.accept(offer);
    await elsewhere.complete('c-replaced');
    await call(elsewhere.api.signOut.bind(elsewhere.api), { sessionId: elsewhere.sessionId }, elsewhere.md);
    expect(await until('second stream ended', () => elsewhere.streamError, (GRACE_SECONDS + 2) * 1000)).toMatchObject({ code: status.NOT_FOUND });
  });

  it('only a desk role acts on an offer: a platform or ops token naming the agent gets PERMISSION_DENIED', async () => {
    const desk = await open('a1');
    await enqueue(mesh, 'c-roles');
    const offer = await desk.nextOffer('c-roles');
    const target = { contactId: 'c-roles', reservationToken: offer.reservationToken };
    for (const role of ['platform', 'ops'] as const) {
      const md = await mesh.auth('a1', role);
      const denied = await call(desk.api.accept.bind(desk.api), target, md).catch((e: ServiceError) => e);
      expect(denied).toMatchObject({ code: status.PERMISSION_DENIED, details: expect.stringContaining('Accept needs role agent or supervisor') });
      expect(await codeOf(call(desk.api.decline.bind(desk.api), { ...target, reason: 'no' }, md))).toBe(status.PERMISSION_DENIED);
    }
    await desk.accept(offer);
    const platform = await mesh.auth('a1', 'platform');
    expect(await codeOf(call(desk.api.complete.bind(desk.api), { contactId: 'c-roles', disposition: 'x', notes: '', wrapUpSeconds: 0, resolvedFirstContact: false }, platform)))
      .toBe(status.PERMISSION_DENIED);
    expect(await codeOf(call(desk.api.transfer.bind(desk.api), { contactId: 'c-roles', queueId: 'general', reason: 'x' }, platform))).toBe(status.PERMISSION_DENIED);
    // A supervisor working a desk acts on its own offers like an agent.
    expect(await codeOf(call(desk.api.complete.bind(desk.api), { contactId: 'c-roles', disposition: 'x', notes: '', wrapUpSeconds: 0, resolvedFirstContact: false }, await mesh.auth('a1', 'supervisor'))))
      .toBe('OK');
  });
});
