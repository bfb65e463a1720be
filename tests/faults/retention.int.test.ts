import { afterEach, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from 'nats';
import { audit, readDomainRecord } from '@switchboard/auditor';
import { DEFAULT_BUS_NAMES, DEFAULT_STREAM_LIMITS, MIN_DEDUP_WINDOW_MS, ensureStreams } from '@switchboard/bus';
import { CommandSigner } from '@switchboard/router-api';
import { startPrivateNats, startPrivateRedis, testCommandKeyEnv, type PrivateServer } from '@switchboard/testkit';
import { pumpContacts } from '../support/contact-pump.js';
import { RouterProcess } from '../support/router-process.js';
import { SimulatedDesks } from '../support/simulated-desks.js';
import { faultLine } from '../support/fault-line.js';
import { loadRules } from '../support/load-rules.js';

const operator = CommandSigner.fromEnv('operator', testCommandKeyEnv());

const DOMAIN = 'retention';
const names = DEFAULT_BUS_NAMES; // private servers
// ROUTING at its minimum retention: the dedup window (JetStream refuses a shorter max age).
const ROUTING_MAX_AGE_MS = MIN_DEDUP_WINDOW_MS;
const env = {
  SB_DEDUP_WINDOW_MS: String(MIN_DEDUP_WINDOW_MS), SB_ROUTING_MAX_AGE_MS: String(ROUTING_MAX_AGE_MS),
  ROUTER_CHECKPOINT_INTERVAL_MS: '3000', ROUTER_CHECKPOINT_EVERY_COMMANDS: '1000',
};
// Offers stay open across the whole wait: no RONA while the record ages out.
const rules = { ...loadRules, queues: loadRules.queues.map((q) => ({ ...q, offerTimeoutSeconds: 3_600 })) };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Reply { ok: boolean; [key: string]: unknown }

describe('recovery after ROUTING retention passed', () => {
  let nats: PrivateServer | undefined;
  let redis: PrivateServer | undefined;
  let nc: NatsConnection | undefined;
  const routers: RouterProcess[] = [];
  afterEach(async () => {
    await Promise.all(routers.splice(0).map((p) => p.stop()));
    await nc?.close().catch(() => undefined);
    await Promise.all([nats?.destroy(), redis?.destroy()]);
  });

  const call = async (kind: 'cmd' | 'query', body: Record<string, unknown>): Promise<Reply> => {
    for (let attempt = 0; ; attempt++) {
      try {
        const subject = `${names.subjectRoot}.router.${DOMAIN}.${kind}`;
        const data = new TextEncoder().encode(JSON.stringify(body));
        const msg = await nc!.request(subject, data, { timeout: 3_000, ...(kind === 'cmd' ? { headers: operator.headers(subject, data) } : {}) });
        const reply = JSON.parse(new TextDecoder().decode(msg.data)) as Reply;
        if (reply.ok || reply.code !== 'UNAVAILABLE' || attempt > 100) return reply;
      } catch (error) {
        if (attempt > 100) throw error;
      }
      await sleep(200);
    }
  };
  const signIn = (id: string) => call('cmd', { id: `in-${id}-${Date.now()}`, command: { type: 'SIGN_IN', agent: { id, skills: {}, languages: [], team: 'general', capacity: { chat: 1 }, queues: [{ queueId: 'general', priority: 1 }] } } });
  /** What must come back: waiting contacts in their order, the agents' states, every open offer and connection. */
  const live = async () => {
    const waiting = ((await call('query', { query: 'waiting', queueId: 'general', limit: 1_000 })).contacts as { id: string }[]).map((c) => c.id);
    const agents = ((await call('query', { query: 'agents' })).agents as { id: string; presence: string; contactIds: string[] }[])
      .map((a) => ({ id: a.id, presence: a.presence, contactIds: a.contactIds })).sort((a, b) => a.id.localeCompare(b.id));
    const held = await Promise.all(agents.flatMap((a) => a.contactIds).map(async (id) => {
      const c = (await call('query', { query: 'contact', contactId: id })).contact as { id: string; state: string; agentId: string; offerToken?: number };
      return { id: c.id, state: c.state, agentId: c.agentId, offerToken: c.offerToken };
    }));
    return { waiting, agents, held };
  };

  it('brings back every waiting contact in order, agent state and open offer after Redis loss, from the checkpoint alone', async () => {
    nats = await startPrivateNats();
    redis = await startPrivateRedis();
    nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
    const jsm = await nc.jetstreamManager();
    await ensureStreams(jsm, names, { ...DEFAULT_STREAM_LIMITS, duplicateWindowMs: MIN_DEDUP_WINDOW_MS, routingMaxAgeMs: ROUTING_MAX_AGE_MS });
    for (const replicaId of ['r1', 'r2']) routers.push(await RouterProcess.start({ natsUrl: nats.url, redisUrl: redis.url, domains: DOMAIN, rules, replicaId, extraEnv: env }));
    for (const id of ['a1', 'a2', 'a3', 'a4']) expect((await signIn(id)).ok).toBe(true);
    // 24 contacts: four offered (three accepted, one left ringing), twenty waiting.
    const first = Array.from({ length: 24 }, (_, i) => ({ domain: DOMAIN, id: `early-${String(i).padStart(2, '0')}` }));
    expect(await pumpContacts(nc.jetstream(), names, first, { concurrency: 1 })).toHaveLength(24);
    await expect.poll(async () => (await live()).held.length, { timeout: 20_000 }).toBe(4);
    const offered = (await live()).held.sort((a, b) => a.agentId.localeCompare(b.agentId));
    for (const c of offered.slice(0, 3)) {
      expect((await call('cmd', { id: `acc-${c.id}`, command: { type: 'ACCEPT', contactId: c.id, agentId: c.agentId, offerToken: c.offerToken } })).ok).toBe(true);
    }
    // ROUTING's retention passes: every message recorded so far ages out of the stream.
    const lastBefore = (await jsm.streams.info(names.routingStream)).state.last_seq;
    await expect.poll(async () => (await jsm.streams.info(names.routingStream)).state.first_seq,
      { timeout: ROUTING_MAX_AGE_MS + 60_000, interval: 2_000 }).toBeGreaterThan(lastBefore);
    const late = Array.from({ length: 5 }, (_, i) => ({ domain: DOMAIN, id: `late-${i}` }));
    expect(await pumpContacts(nc.jetstream(), names, late, { concurrency: 1 })).toHaveLength(5);
    await expect.poll(async () => (await live()).waiting.length, { timeout: 20_000 }).toBe(25);
    const before = await live();
    expect(before.held.map((c) => c.state).sort()).toEqual(['CONNECTED', 'CONNECTED', 'CONNECTED', 'OFFERED']);
    // Let the owner make the late arrivals durable in its archive too, or leave them to the tail.
    await sleep(4_000);

    await redis.restart(); // Redis loses everything
    const rebuilt = () => routers.some((p) => /"source":"jetstream","replayed":\d+,"fromCheckpoint":\d+/.test(p.logs));
    await expect.poll(rebuilt, { timeout: 30_000, interval: 200 }).toBe(true).catch((error: unknown) => {
      console.log(routers.map((p) => p.logs.slice(-6_000)).join('\n----\n'));
      throw error;
    });
    await expect.poll(async () => JSON.stringify(await live()), { timeout: 30_000, interval: 500 }).toBe(JSON.stringify(before));
    const logs = routers.map((p) => p.logs).join('');
    expect(logs).toMatch(/"source":"jetstream","replayed":\d+,"fromCheckpoint":\d+/);
    expect(logs).not.toMatch(/has a hole/);

    // Everything goes on to the end: the held contacts are finished, new desks serve the rest.
    const ringing = before.held.find((c) => c.state === 'OFFERED')!;
    expect((await call('cmd', { id: 'acc-ringing', command: { type: 'ACCEPT', contactId: ringing.id, agentId: ringing.agentId, offerToken: ringing.offerToken } })).ok).toBe(true);
    for (const c of before.held) {
      expect((await call('cmd', { id: `done-${c.id}`, command: { type: 'COMPLETE', contactId: c.id, agentId: c.agentId, disposition: 'resolved' } })).ok).toBe(true);
    }
    const desks = new SimulatedDesks(nc, { domain: DOMAIN, names, agents: 4, prefix: 'after', capacity: { chat: 3 }, handleMs: 10 });
    await desks.start();
    await expect.poll(async () => (await live()).waiting.length, { timeout: 30_000 }).toBe(0);
    await expect.poll(() => desks.firstOfferAt.size, { timeout: 30_000 }).toBe(25 - 4);
    desks.stop();
    const report = audit({ ...(await readDomainRecord(nc.jetstream(), jsm, names, DOMAIN)), expectAllFinished: false });
    console.log(faultLine('routing-retention', report));
    expect(report).toMatchObject({ lost: 0, doubleAssigned: 0, overCapacity: 0, orderViolations: 0 });
    expect(report.accepted).toBeGreaterThan(0);
  }, 300_000);
});
