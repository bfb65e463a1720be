import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Channel, ContactRecord, Presence, ContactUpdate, ContactUpdateKind, CustomerTier, EnqueueRequest } from '@switchboard/contracts';
import { contactsSubject, publishDurable } from '@switchboard/bus';
import { audit, readDomainRecord } from '@switchboard/auditor';
import type { RouterClient } from '@switchboard/router-api';
import { Desk } from './support/desk.js';
import { agentRules } from './support/fixtures.js';
import { call, Mesh, until } from './support/mesh.js';

const GRACE_SECONDS = 1;
const OFFER_TIMEOUT_SECONDS = 4;
const CHANNEL = { phone: Channel.CHANNEL_PHONE, chat: Channel.CHANNEL_CHAT, wechat: Channel.CHANNEL_WECHAT } as const;

/** An agent who takes a call, two chats and a WeChat conversation at once. */
const blended = (id: string) => ({ id, displayName: `Agent ${id}`, team: 'general', skills: {}, languages: [], allowBlendWithPhone: true,
  capacity: { phone: 1, chat: 2, wechat: 1 }, queues: [{ queueId: 'general', priority: 1 }] });

/**
 * A desktop lost while it holds one call, two chats and one WeChat conversation: after the grace
 * the gateway signs its agent out; the chats and the WeChat conversation go back to their queue
 * at their original places and are offered to another agent within grace + offer timeout; the
 * call stays connected, flagged, until its platform ends it. The auditor then finds nothing stuck.
 */
describe('a desktop lost mid-work', () => {
  let mesh: Mesh;
  let router: RouterClient;
  beforeAll(async () => {
    const rules = agentRules() as { queues: Record<string, unknown>[] };
    rules.queues[0] = { ...rules.queues[0], offerTimeoutSeconds: OFFER_TIMEOUT_SECONDS, orphanedCallSeconds: 600 };
    mesh = await Mesh.start({ rules, agents: [blended('k1'), blended('k2')], graceSeconds: GRACE_SECONDS });
    router = mesh.routerClient();
  });
  afterAll(async () => {
    await mesh?.close();
  });

  const enqueue = async (id: string, channel: keyof typeof CHANNEL) => call(mesh.queueClient.enqueue.bind(mesh.queueClient), EnqueueRequest.fromPartial({
    queueId: '', contact: { id, channel: CHANNEL[channel], domain: mesh.domain, intent: 'billing', conversationId: `conv-${id}`,
      customer: { id: `cust-${id}`, tier: CustomerTier.CUSTOMER_TIER_STANDARD, phoneNumber: '+4930123456' } },
  }), await mesh.auth('pbx', 'platform'));
  const contact = async (id: string) => {
    const reply = await router.query({ query: 'contact', contactId: id });
    return (reply.ok ? reply['contact'] : undefined) as { state: string; agentId?: string } | undefined;
  };
  /** The platform ends the call (a Twilio `completed` callback, as ingest-phone publishes it). */
  const platformEnds = (contactId: string) => publishDurable(mesh.nats.js, contactsSubject(mesh.names, mesh.domain, 'phone'),
    ContactRecord.encode({ update: ContactUpdate.fromPartial({ contactId, domain: mesh.domain, channel: Channel.CHANNEL_PHONE,
      kind: ContactUpdateKind.CONTACT_UPDATE_KIND_ENDED, occurredAt: new Date() }) }).finish(),
    { msgId: `update:${contactId}:ended`, expectStream: mesh.names.contactsStream });

  it('reclaims the chats and the WeChat conversation for another agent at their places; the call waits for its platform', async () => {
    const lost = await Desk.open(mesh, 'k1');
    await lost.signIn();
    await lost.connect();
    const held = [['dl-call', 'phone'], ['dl-chat-1', 'chat'], ['dl-chat-2', 'chat'], ['dl-wechat', 'wechat']] as const;
    for (const [id, channel] of held) {
      await enqueue(id, channel);
      await lost.accept(await lost.nextOffer(id));
    }
    // A later chat waits behind them (k1 has no chat room left, k2 is not signed in yet).
    await enqueue('dl-later', 'chat');
    await until('dl-later waiting', async () => (await contact('dl-later'))?.state === 'QUEUED');
    const other = await Desk.open(mesh, 'k2');
    await other.signIn();
    await other.connect();
    // k2 takes the later chat now; the reclaimed work must come ahead of anything arriving later.
    await other.accept(await other.nextOffer('dl-later'));
    await call(other.api.complete.bind(other.api), { contactId: 'dl-later', disposition: 'resolved', notes: '', wrapUpSeconds: 0, resolvedFirstContact: true }, other.md);
    // k2 steps away; a chat arrives after the reclaimed ones and waits.
    const presence = (p: 'PRESENCE_AWAY' | 'PRESENCE_AVAILABLE') =>
      call(other.api.setPresence.bind(other.api), { sessionId: other.sessionId, presence: Presence[p], reason: p === 'PRESENCE_AWAY' ? 'break' : '' }, other.md);
    await presence('PRESENCE_AWAY');
    await enqueue('dl-after', 'chat');
    await until('dl-after waiting', async () => (await contact('dl-after'))?.state === 'QUEUED');

    lost.kill();
    const killedAt = Date.now();
    // After the grace the gateway signs k1 out: the chats and the WeChat conversation are back in
    // the queue at their original places — ahead of the chat that arrived after them.
    const waiting = await until('the lost desk\'s conversations back in the queue', async () => {
      const reply = await router.query({ query: 'waiting', queueId: 'general', limit: 50 });
      const ids = ((reply.ok ? reply['contacts'] : []) as { id: string }[]).map((c) => c.id);
      return ids.includes('dl-chat-1') && ids.includes('dl-wechat') ? ids : undefined;
    }, (GRACE_SECONDS + 5) * 1000);
    expect(waiting.filter((id) => id !== 'dl-wechat')).toEqual(['dl-chat-1', 'dl-chat-2', 'dl-after']);
    await presence('PRESENCE_AVAILABLE');
    const within = (GRACE_SECONDS + OFFER_TIMEOUT_SECONDS + 2) * 1000;
    const chat1 = await other.nextOffer('dl-chat-1', within);
    const chat2 = await other.nextOffer('dl-chat-2', within);
    const wechat = await other.nextOffer('dl-wechat', within);
    expect(Date.now() - killedAt).toBeLessThan((GRACE_SECONDS + OFFER_TIMEOUT_SECONDS + 1) * 1000);
    expect(other.offers().some((o) => o.contact?.id === 'dl-after')).toBe(false);
    for (const offer of [chat1, chat2, wechat]) await other.accept(offer);
    // The call stays connected with k1 until its platform ends it.
    expect(await contact('dl-call')).toMatchObject({ state: 'CONNECTED', agentId: 'k1' });
    const beforeEnd = audit({ ...(await readDomainRecord(mesh.nats.js, mesh.nats.jsm, mesh.names, mesh.domain)) });
    expect(beforeEnd.findings).toMatchObject([{ kind: 'PAST_LIMIT', contactId: 'dl-call', detail: expect.stringMatching(/AGENT_GONE.*END due at/) }]);
    await platformEnds('dl-call');
    await until('the call ended and k1 forgotten', async () => (await contact('dl-call')) === undefined, 10_000);
    for (const id of ['dl-chat-1', 'dl-chat-2', 'dl-wechat']) {
      await call(other.api.complete.bind(other.api), { contactId: id, disposition: 'resolved', notes: '', wrapUpSeconds: 0, resolvedFirstContact: true }, other.md);
    }
    await other.accept(await other.nextOffer('dl-after'));
    await call(other.api.complete.bind(other.api), { contactId: 'dl-after', disposition: 'resolved', notes: '', wrapUpSeconds: 0, resolvedFirstContact: true }, other.md);
    // Nothing stuck: every contact finished, nothing past a limit, nobody over capacity.
    const report = await until('every contact finished on the record', async () => {
      const r = audit({ ...(await readDomainRecord(mesh.nats.js, mesh.nats.jsm, mesh.names, mesh.domain)), expectAllFinished: true });
      return r.findings.length === 0 ? r : undefined;
    }, 15_000);
    expect(report).toMatchObject({ accepted: 6, finished: 6, lost: 0, doubleAssigned: 0, overCapacity: 0, pastLimit: 0 });
    other.close();
  });
});
