import { afterEach, describe, expect, it } from 'vitest';
import { RoutingEngine } from '@switchboard/routing-core';
import { ContactUpdateKind, RoutingEvent as ProtoEvent } from '@switchboard/contracts';
import { ENDED_ON_CHANNEL } from './inputs/contacts-consumer.js';
import { RouterHarness, testRules } from './testing/router-harness.js';
import { ensureStreams, readSubject, routingSubject } from '@switchboard/bus';
import { readRoutingBatch, ROUTING_BATCH, routingEventType } from '@switchboard/router-api';
import { eventToProto } from './mapping/event.mapper.js';

const offersOf = (events: { offered?: unknown; contactId: string }[]) => events.filter((e) => e.offered).map((e) => e.contactId);

describe('router on real NATS and Redis', () => {
  let h: RouterHarness;
  afterEach(async () => { await h?.close(); });

  it('routes an arrival to an offer, then accept, complete and wrap-up free the agent', async () => {
    h = await RouterHarness.create(testRules());
    await h.startRouter();
    const desk = h.desk('a1');
    await h.signIn({ id: 'a1' });
    await h.publishContact({ id: 'c1' });
    await expect.poll(() => offersOf(desk)).toEqual(['c1']);
    const offer = desk.find((e) => e.offered)!;
    expect(offer.offered!.explanation).toMatchObject({ chosenAgentId: 'a1', queueId: 'general', ruleVersion: 'test-1' });

    expect(await h.client.command({ type: 'ACCEPT', contactId: 'c1', agentId: 'a1', offerToken: offer.offered!.reservationToken })).toMatchObject({ ok: true });
    expect(await h.client.command({ type: 'COMPLETE', contactId: 'c1', agentId: 'a1', disposition: 'resolved' })).toMatchObject({ ok: true });
    await expect.poll(async () => (await h.client.query({ query: 'agent', agentId: 'a1' })) as unknown, { timeout: 5_000 })
      .toMatchObject({ ok: true, agent: { presence: 'AVAILABLE', contactIds: [] } });
  });

  it('ends a contact its platform ended in every state: connected goes to wrap-up, waiting or ringing is abandoned', async () => {
    h = await RouterHarness.create(testRules());
    await h.startRouter();
    const desk = h.desk('a1');
    await h.signIn({ id: 'a1', capacity: { phone: 1 } });
    await h.publishContact({ id: 'call' });
    await expect.poll(() => offersOf(desk)).toEqual(['call']);
    const token = desk.find((e) => e.offered)!.offered!.reservationToken;
    expect(await h.client.command({ type: 'ACCEPT', contactId: 'call', agentId: 'a1', offerToken: token })).toMatchObject({ ok: true });
    await h.publishContact({ id: 'waiting' });
    await h.publishContact({ id: 'ringing-later' });
    await expect.poll(async () => h.client.query({ query: 'waiting', queueId: 'general' })).toMatchObject({ contacts: [{ id: 'waiting' }, { id: 'ringing-later' }] });
    // The caller hangs up a connected call (Twilio "completed"): wrap-up for its agent, then the slot is free.
    await h.publishUpdate('call', ContactUpdateKind.CONTACT_UPDATE_KIND_ENDED);
    await expect.poll(() => desk.filter((e) => e.completed).map((e) => [e.contactId, e.completed!.disposition])).toEqual([['call', ENDED_ON_CHANNEL]]);
    // The freed agent is offered the head of the queue after wrap-up; the platform ends that one while it rings.
    await expect.poll(() => offersOf(desk), { timeout: 5_000 }).toEqual(['call', 'waiting']);
    await h.publishUpdate('waiting', ContactUpdateKind.CONTACT_UPDATE_KIND_ENDED);
    await expect.poll(() => desk.filter((e) => e.abandoned).map((e) => e.contactId)).toEqual(['waiting']);
    await expect.poll(() => offersOf(desk), { timeout: 5_000 }).toEqual(['call', 'waiting', 'ringing-later']);
    // An end of a contact already over (a second status callback) changes nothing.
    await h.publishUpdate('call', ContactUpdateKind.CONTACT_UPDATE_KIND_ABANDONED);
    await h.settled();
    expect(desk.filter((e) => e.contactId === 'call' && (e.completed || e.abandoned))).toHaveLength(1);
  });

  it('returns a declined contact to its original place and offers it to the next agent', async () => {
    h = await RouterHarness.create(testRules());
    await h.startRouter();
    const now = Date.now();
    await h.publishContact({ id: 'old', receivedAtMs: now - 5_000 });
    await h.publishContact({ id: 'new', receivedAtMs: now - 1_000 });
    await expect.poll(async () => h.client.query({ query: 'waiting', queueId: 'general' }))
      .toMatchObject({ contacts: [{ id: 'old' }, { id: 'new' }] });
    const desk = h.desk('a1');
    await h.signIn({ id: 'a1' });
    await expect.poll(() => offersOf(desk)).toEqual(['old']);
    const token = desk.find((e) => e.offered)!.offered!.reservationToken;
    await h.client.command({ type: 'DECLINE', contactId: 'old', agentId: 'a1', offerToken: token, reason: 'wrong language' });
    // a1 declined "old", so it gets "new"; "old" waits at the head for the next agent.
    await expect.poll(() => offersOf(desk)).toEqual(['old', 'new']);
    expect(await h.client.query({ query: 'position', contactId: 'old' })).toMatchObject({ position: 1 });
    const desk2 = h.desk('a2');
    await h.signIn({ id: 'a2' });
    await expect.poll(() => offersOf(desk2)).toEqual(['old']);
  });

  it('times out an unanswered offer (RONA) and sets the agent AWAY(missed) after N misses', async () => {
    h = await RouterHarness.create(testRules());
    await h.startRouter();
    const desk = h.desk('a1');
    await h.signIn({ id: 'a1' });
    await h.publishContact({ id: 'c1' });
    await h.publishContact({ id: 'c2' });
    // A missed contact is not offered to the same agent again: the second miss is c2.
    await expect.poll(() => desk.filter((e) => e.timedOut).map((e) => e.contactId), { timeout: 10_000 }).toEqual(['c1', 'c2']);
    await expect.poll(async () => h.client.query({ query: 'agent', agentId: 'a1' }), { timeout: 5_000 })
      .toMatchObject({ agent: { presence: 'AWAY', awayReason: 'missed' } });
    expect(await h.client.query({ query: 'contact', contactId: 'c1' })).toMatchObject({ contact: { state: 'QUEUED' } });
  });

  it('lets a VIP contact overtake earlier priority contacts for an agent serving both', async () => {
    h = await RouterHarness.create(testRules());
    await h.startRouter();
    const now = Date.now();
    await h.publishContact({ id: 'p1', receivedAtMs: now - 9_000 });
    await h.publishContact({ id: 'p2', receivedAtMs: now - 8_000 });
    await h.publishContact({ id: 'v1', tier: 'VIP', receivedAtMs: now - 1_000 });
    await expect.poll(async () => ((await h.client.query({ query: "snapshot" })) as unknown as { snapshot: { liveContacts: number } }).snapshot.liveContacts).toBe(3);
    const desk = h.desk('a1');
    await h.signIn({ id: 'a1', queues: [{ queueId: 'general', priority: 1 }, { queueId: 'vip', priority: 1 }] });
    await expect.poll(() => offersOf(desk)).toEqual(['v1']);
  });

  it('widens the ring by wait and overflows to another queue', async () => {
    h = await RouterHarness.create(testRules());
    await h.startRouter();
    const desk = h.desk('junior');
    await h.signIn({ id: 'junior', skills: { billing: 2 }, queues: [{ queueId: 'billing', priority: 1 }] });
    await h.publishContact({ id: 'b1', intent: 'billing' });
    // Ring 0 needs billing 4; ring 1 (after 1 s) drops two levels, so the junior gets it.
    await expect.poll(() => offersOf(desk), { timeout: 5_000 }).toEqual(['b1']);
    const offer = desk.find((e) => e.offered)!;
    expect(offer.offered!.explanation).toMatchObject({ ring: 1, chosenAgentId: 'junior' });
    await h.client.command({ type: 'ACCEPT', contactId: 'b1', agentId: 'junior', offerToken: offer.offered!.reservationToken });
    await h.publishContact({ id: 'b2', intent: 'billing' });
    const generalist = h.desk('generalist');
    await h.signIn({ id: 'generalist' });
    // junior is busy with b1; after 3 s b2 overflows to general, where the generalist takes it.
    await expect.poll(() => offersOf(generalist), { timeout: 8_000 }).toEqual(['b2']);
  });

  /** The domain's events of one type on ROUTING. */
  const routed = async (type: string) => {
    const found: ProtoEvent[] = [];
    for await (const msg of readSubject(h.nats.js, h.nats.jsm, h.names.routingStream, routingSubject(h.names, h.domain, ROUTING_BATCH))) {
      found.push(...readRoutingBatch(msg.data).events.filter((e) => routingEventType(e) === type));
    }
    return found;
  };
  const arrivalsLogged = async (contactId: string) =>
    (await h.redis.redis.xrange(`${h.scope.redisPrefix}{d:${h.domain}}:log`, '-', '+')).filter(([, f]) => f[f.indexOf('cid') + 1] === `arrive:${contactId}`).length;

  it('processes a contact re-published under another platform id once', async () => {
    h = await RouterHarness.create(testRules());
    await h.startRouter();
    await h.publishContact({ id: 'c1' }, 'platform-key-1');
    await h.publishContact({ id: 'c1' }, 'platform-key-2'); // a different platform retry id, same contact
    await h.settled();
    expect(await h.client.query({ query: 'waiting', queueId: 'general' })).toMatchObject({ contacts: [{ id: 'c1' }] });
    expect(await arrivalsLogged('c1')).toBe(1);
    expect((await routed('ContactQueued')).filter((e) => e.contactId === 'c1')).toHaveLength(1);
  });

  it('takes a contact JetStream delivers again after its commit once, and offers it only once it is recorded', async () => {
    h = await RouterHarness.create(testRules());
    await h.startRouter();
    await h.signIn({ id: 'a1' });
    const desk = h.desk('a1');
    // ROUTING is gone: the arrival commits to Redis, but its record cannot be published, so the
    // handler does not ack and JetStream delivers the same message again (and again).
    await h.nats.jsm.streams.delete(h.names.routingStream);
    await h.publishContact({ id: 'c1' });
    await expect.poll(async () => (await h.nats.jsm.consumers.info(h.names.contactsStream, `router-${h.domain}`)).num_redelivered, { timeout: 8_000 }).toBeGreaterThan(0);
    expect(await arrivalsLogged('c1')).toBe(1);
    expect(offersOf(desk)).toEqual([]); // not recorded, so not offered
    await ensureStreams(h.nats.jsm, h.names);
    await expect.poll(() => offersOf(desk), { timeout: 8_000 }).toEqual(['c1']);
    await h.settled();
    expect((await routed('ContactQueued')).filter((e) => e.contactId === 'c1')).toHaveLength(1);
    expect((await routed('ContactOffered')).filter((e) => e.contactId === 'c1')).toHaveLength(1);
    expect(await arrivalsLogged('c1')).toBe(1);
    expect(offersOf(desk)).toEqual(['c1']);
  });

  it('expires a contact that waits past the queue\'s max wait', async () => {
    h = await RouterHarness.create(testRules());
    await h.startRouter();
    await h.publishContact({ id: 'x1', intent: 'callback' });
    await expect.poll(async () => h.client.query({ query: 'contact', contactId: 'x1' }), { timeout: 5_000 })
      .toMatchObject({ ok: false, code: 'NOT_FOUND' });
    const expiredEvents = () => routed('ContactExpired');
    await expect.poll(async () => (await expiredEvents()).length).toBe(1);
    const expired = await expiredEvents();
    expect(expired.map((e) => e.contactId)).toEqual(['x1']);
    expect(expired[0]!.expired!.waitSeconds).toBeGreaterThanOrEqual(1);
  });

  it('makes exactly the decisions the core makes for the same commands', async () => {
    h = await RouterHarness.create(testRules());
    await h.startRouter();
    const desk = h.desk('a1');
    await h.signIn({ id: 'a1', queues: [{ queueId: 'general', priority: 1 }, { queueId: 'vip', priority: 1 }] });
    await h.signIn({ id: 'a2', skills: { billing: 5 }, queues: [{ queueId: 'billing', priority: 1 }, { queueId: 'general', priority: 2 }] });
    for (let i = 0; i < 6; i++) await h.publishContact({ id: `m${i}`, tier: i % 3 === 0 ? 'VIP' : 'STANDARD', intent: i % 2 ? 'billing' : '' });
    await expect.poll(() => offersOf(desk).length).toBeGreaterThan(0);
    const first = desk.find((e) => e.offered)!;
    await h.client.command({ type: 'DECLINE', contactId: first.contactId, agentId: 'a1', offerToken: first.offered!.reservationToken, reason: 'test' });
    await expect.poll(async () => (await h.nats.jsm.streams.info(h.names.routingStream)).state.messages).toBeGreaterThan(10);
    await h.settled();

    const live = new Map<string, ProtoEvent>();
    const applied = [];
    for await (const msg of readSubject(h.nats.js, h.nats.jsm, h.names.routingStream, `${h.names.subjectRoot}.routing.${h.domain}.>`)) {
      const { records, events } = readRoutingBatch(msg.data);
      applied.push(...records);
      for (const e of events) live.set(e.id, e);
    }
    const core = new RoutingEngine({ domainId: h.domain, ruleVersion: 'test-1' });
    const replayed = applied.sort((a, b) => a.n - b.n).flatMap((r) => core.apply(r.cmd, r.at).events).map((e) => eventToProto(h.domain, e));
    expect(replayed.length).toBe(live.size);
    for (const event of replayed) expect(live.get(event.id)).toEqual(event);
  });
});
