import { createHash } from 'node:crypto';
import { queueSchema } from '@switchboard/router-api';
import { RoutingEngine, type QueueConfig, type RoutingCommand } from '@switchboard/routing-core';
import { DomainStore, type Transition } from '@switchboard/state';
import type { BenchServers } from './bench-servers.js';

/** Sizes of the scale run. */
export interface ScaleSize {
  readonly agents: number;
  readonly queues: number;
  readonly waiting: number;
}

/** What was written, and what the measurement needs to know of it. */
export interface LoadedDomain {
  readonly rulesFile: object;
  /** Busy agent → the contact it is connected to (completing it frees the agent). */
  readonly connected: Map<string, string>;
  readonly logRecords: number;
  readonly waiting: number;
  readonly loadSeconds: number;
}

const RULE_VERSION = 'scale-1';

/**
 * Writes a domain's command log straight into Redis, because routing a million contacts through
 * CONTACTS would take most of an hour on two cores. Faithful to what the router would have
 * written: the same log records (`{n, cid, at, cmd}`), the same command ids (`queue:…`,
 * `req:…`, `arrive:<id>`), committed by the router's own Lua script (log, idempotency set, timers)
 * under a lease, each command first applied to a `RoutingEngine` so offers, tokens and timers are
 * the engine's. Agents sign in, the first arrivals are offered and accepted (every agent busy), the
 * rest wait. The router then rebuilds the domain from this log as after any takeover.
 */
export async function loadScaleDomain(s: BenchServers, domain: string, size: ScaleSize, log: (line: string) => void): Promise<LoadedDomain> {
  const started = performance.now();
  const queues = Array.from({ length: size.queues }, (_, q) => queueSchema.parse({
    id: `q${q}`, kind: 'PRIORITY', serviceLevel: { share: 0.8, withinSeconds: 20 }, strategy: 'LONGEST_IDLE',
    requiredSkills: [{ skill: `s${q}`, minProficiency: 2 }], offerTimeoutSeconds: 600, wrapUpSeconds: 0, missesBeforeAway: 1_000,
  })) as QueueConfig[];
  const engine = new RoutingEngine({ domainId: domain, ruleVersion: RULE_VERSION });
  const store = new DomainStore(s.rd, domain);
  const lease = await store.acquire('scale-loader', 600_000, 'scale-loader');
  if (!lease) throw new Error(`scale: domain ${domain} is already owned`);
  const connected = new Map<string, string>();
  const batch: Transition[] = [];
  let n = 0;
  const at = Date.now();
  const flush = async () => {
    const results = await store.commitMany(lease, batch.splice(0));
    if (results.some((r) => r.kind === 'fenced')) throw new Error('scale: lease lost while loading');
  };
  const apply = async (cid: string, cmd: RoutingCommand) => {
    const result = engine.apply(cmd, at);
    batch.push({ commandId: cid, command: JSON.stringify({ n: ++n, cid, at, cmd }), timers: result.timers.map((t) => ({ dueAtMs: t.dueAtMs, member: JSON.stringify(t) })), outbox: [] });
    if (batch.length >= 1_000) await flush();
    return result;
  };
  for (const queue of queues) {
    const hash = createHash('sha256').update(JSON.stringify(queue)).digest('hex').slice(0, 16);
    await apply(`queue:${RULE_VERSION}:${queue.id}:${hash}`, { type: 'UPSERT_QUEUE', queue });
  }
  for (let i = 0; i < size.agents; i++) {
    // Agent i serves queue i mod Q (every queue is served) and the two after it.
    const served = [0, 1, 2].map((k) => (i + k * 7) % size.queues);
    await apply(`req:sign-in-${i}`, { type: 'SIGN_IN', agent: { id: `a${i}`, skills: Object.fromEntries(served.map((q) => [`s${q}`, 3])), languages: [], team: `t${i % 10}`,
      capacity: { phone: 1 }, queues: [...new Set(served)].map((q, k) => ({ queueId: `q${q}`, priority: k })) } });
  }
  let arrivals = 0;
  while (arrivals - connected.size < size.waiting) {
    const id = `scale-c${arrivals}`;
    const result = await apply(`arrive:${id}`, { type: 'ARRIVE', contact: { id, domain, channel: 'phone', queueId: `q${arrivals % size.queues}`, basePriority: 0, tier: 'STANDARD', arrivedAtMs: at } });
    arrivals++;
    if (result.outcome.kind === 'offered') {
      const { agentId, offerToken, contactId } = result.outcome;
      await apply(`req:${contactId}:accept`, { type: 'ACCEPT', contactId, agentId, offerToken });
      connected.set(agentId, contactId);
    }
    if (arrivals % 100_000 === 0) log(`scale: ${arrivals} arrivals written`);
  }
  await flush();
  // The loader wrote the domain's whole state itself, as a restore from JetStream would: the
  // epoch it created is marked whole, so the router goes on from this log instead of restoring.
  if (!(await store.finishRestore(lease))) throw new Error('scale: lease lost while loading');
  await store.release(lease);
  return { rulesFile: { version: RULE_VERSION, queues, rules: [], fallback: { queue: 'q0', priority: 0 } }, connected, logRecords: n, waiting: arrivals - connected.size, loadSeconds: (performance.now() - started) / 1000 };
}
