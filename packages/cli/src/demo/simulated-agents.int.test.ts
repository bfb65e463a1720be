import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { contactsSubject, ensureStreams, publishDurable, type BusNames } from '@switchboard/bus';
import { Channel, Contact, ContactRecord, CustomerTier } from '@switchboard/contracts';
import { ruleSetFrom, startRouter, type RunningRouter } from '@switchboard/router';
import { CommandSigner, CommandVerifier, RouterClient } from '@switchboard/router-api';
import type { AgentView, ContactView } from '@switchboard/routing-core';
import { connectTestNats, connectTestRedis, createTestScope, testCommandKeyEnv, type TestNats, type TestRedis, type TestScope } from '@switchboard/testkit';
import type { DemoAgent } from './roster.js';
import { SimulatedAgents } from './simulated-agents.js';

const operator = CommandSigner.fromEnv('operator', testCommandKeyEnv());

const rules = {
  version: 'demo-restart-1',
  queues: [{ id: 'general', kind: 'PRIORITY', serviceLevel: { share: 0.8, withinSeconds: 20 }, offerTimeoutSeconds: 30, wrapUpSeconds: 1, missesBeforeAway: 100 }],
  rules: [],
  fallback: { queue: 'general', priority: 0 },
};
const agents: DemoAgent[] = ['d1', 'd2'].map((id) => ({ id, team: 'general', skills: {}, languages: [], capacity: { phone: 1, chat: 2 }, queues: [{ queueId: 'general', priority: 1 }] }));
/** People who always answer, a little faster than life (a call still lasts 20 s or more: longer than each run here). */
const behaviour = { declineShare: 0, missShare: 0, speed: 3 };

/**
 * `pnpm start --demo`, Ctrl-C, `pnpm start --demo` again — twice: each new run's agents take over
 * from the earlier run's, so no agent stays busy with a contact nobody holds. The earlier run's
 * calls are ended (their telephony went with it) and its chats go back to the queue and are
 * answered by the new run's agents.
 */
describe('a restarted demo', () => {
  let scope: TestScope;
  let names: BusNames;
  let nats: TestNats;
  let redis: TestRedis;
  let router: RunningRouter;
  let client: RouterClient;
  beforeAll(async () => {
    scope = createTestScope('demorestart');
    names = { contactsStream: scope.stream('CONTACTS'), routingStream: scope.stream('ROUTING'), deadLetterStream: scope.stream('DEADLETTER'), subjectRoot: `t${scope.id}` };
    nats = await connectTestNats(scope);
    redis = await connectTestRedis(scope);
    await ensureStreams(nats.jsm, names);
    router = await startRouter({ natsUrl: nats.url, redisUrl: redis.url, domains: [scope.domain], rules: ruleSetFrom(rules),
      logger: pino({ level: 'silent' }), names, keyPrefix: scope.redisPrefix, leaseTtlMs: 1_500, ackWaitMs: 2_000,
      commandVerifier: CommandVerifier.fromEnv(testCommandKeyEnv()) });
    client = new RouterClient(nats.nc, scope.domain, names.subjectRoot, 5_000, operator);
    for (let i = 0; !router.replica.ownedDomains().includes(scope.domain); i++) {
      if (i > 500) throw new Error('router did not take the domain');
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  afterAll(async () => {
    await router?.stop().catch(() => undefined);
    await redis?.cleanup();
    await nats?.cleanup();
  });

  const arrive = async (id: string, channel: 'phone' | 'chat') => {
    const contact = Contact.fromPartial({ id, channel: channel === 'phone' ? Channel.CHANNEL_PHONE : Channel.CHANNEL_CHAT, domain: scope.domain,
      customer: { id: `cust-${id}`, tier: CustomerTier.CUSTOMER_TIER_STANDARD }, receivedAt: new Date() });
    await publishDurable(nats.js, contactsSubject(names, scope.domain, channel), ContactRecord.encode({ arrived: contact }).finish(), { msgId: id, expectStream: names.contactsStream });
  };
  const agent = async (id: string) => {
    const r = await client.query({ query: 'agent', agentId: id });
    return r.ok ? (r['agent'] as AgentView) : undefined;
  };
  const contact = async (id: string) => {
    const r = await client.query({ query: 'contact', contactId: id });
    return r.ok ? (r['contact'] as ContactView) : undefined;
  };
  /** Every contact an agent holds now, with its state and offer token. */
  const held = async () => {
    const out: { id: string; agentId: string; state: string; token: number | undefined }[] = [];
    for (const a of agents) {
      for (const id of (await agent(a.id))?.contactIds ?? []) {
        const c = await contact(id);
        if (c) out.push({ id, agentId: a.id, state: c.state, token: c.offerToken });
      }
    }
    return out;
  };
  const eventually = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> => {
    for (const until = Date.now() + timeoutMs; ;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('takes over from the run before, twice: nobody keeps a contact that nobody holds', async () => {
    let run = new SimulatedAgents(nats.nc, scope.domain, agents, behaviour, () => undefined, operator, names);
    await run.start();
    // One agent takes the call (a call is not blended with chats), the other the two chats.
    for (const [id, channel] of [['r-call-1', 'phone'], ['r-chat-1', 'chat'], ['r-chat-2', 'chat']] as const) await arrive(id, channel);
    for (let restart = 1; restart <= 2; restart++) {
      // Every contact of this run connected with one of its agents, then Ctrl-C.
      const before = await eventually(`run ${restart}'s agents connected`, async () => {
        const now = await held();
        return now.length >= 3 && now.every((h) => h.state === 'CONNECTED') && now.some((h) => h.id.includes('call')) ? now : undefined;
      });
      run.stop();
      run = new SimulatedAgents(nats.nc, scope.domain, agents, behaviour, () => undefined, operator, names);
      await run.start();
      // The earlier run's calls are over, and its chats are answered again by this run's agents.
      const after = await eventually(`run ${restart + 1} holding only work it took`, async () => {
        const now = await held();
        const stale = now.filter((h) => before.some((b) => b.id === h.id && b.token === h.token && h.state === 'CONNECTED'));
        const calls = await Promise.all(before.filter((b) => b.id.includes('call')).map((b) => contact(b.id)));
        const chatsBack = before.filter((b) => b.id.includes('chat')).every((b) => now.some((h) => h.id === b.id && h.state === 'CONNECTED' && h.token !== b.token));
        return stale.length === 0 && calls.every((c) => c === undefined || c.state !== 'CONNECTED') && chatsBack ? { now, calls } : undefined;
      });
      // Nothing is held under an earlier run's connection; the earlier calls are no longer connected.
      expect(after.now.filter((h) => before.some((b) => b.id === h.id && b.token === h.token))).toEqual([]);
      expect(after.calls.filter((c) => c?.state === 'CONNECTED')).toEqual([]);
      expect(after.now.filter((h) => h.id.includes('chat')).map((h) => h.state)).toEqual(before.filter((b) => b.id.includes('chat')).map(() => 'CONNECTED'));
      // A call arriving now is served: the agents are free for it, not held by the old calls.
      await arrive(`r-call-${restart}-next`, 'phone');
    }
    run.stop();
  }, 90_000);
});
