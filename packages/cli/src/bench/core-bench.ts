import { createRng, queueConfig, RoutingEngine, type AgentProfile, type ApplyResult, type QueueConfig, type Rng } from '@switchboard/routing-core';
import { summarize } from './percentiles.js';
import type { BenchOptions, BenchTarget } from './targets.js';

/** Sizes of one run. */
interface CoreSize { agents: number; waiting: number; queues: number; measured: number }

const FULL: CoreSize = { agents: 50_000, waiting: 1_000_000, queues: 50, measured: 100_000 };
const QUICK: CoreSize = { agents: 2_000, waiting: 20_000, queues: 20, measured: 5_000 };

/**
 * `bench core`: the routing engine alone, loaded with `agents` signed-in agents (each serving 3 of
 * `queues` skill-gated queues) and `waiting` queued contacts. In steady state every agent is busy,
 * so each measured round is the two decisions that must not scan: an agent frees up and picks the
 * best waiting contact across its queues (COMPLETE), and a new contact arrives and looks for a free
 * eligible agent (ARRIVE). Each command is timed alone; the ACCEPT in between is not a decision.
 */
export const coreBench: BenchTarget = {
  description: 'routing engine decisions with 50,000 agents and 1,000,000 waiting contacts',
  runByDefault: true,
  run: async (options: BenchOptions) => runCore(options.quick ? QUICK : FULL, options.log),
};

async function runCore(size: CoreSize, log: (line: string) => void): Promise<Record<string, unknown>> {
  const rng = createRng(1);
  const queues: QueueConfig[] = Array.from({ length: size.queues }, (_, q) =>
    queueConfig(`q${q}`, { requiredSkills: [{ skill: `s${q}`, minProficiency: 2 }] }));
  const engine = new RoutingEngine({ domainId: 'bench', ruleVersion: 'bench', queues });
  let now = 0;
  let arrivals = 0;
  let completed = 0;
  const busy: string[] = [];
  const connectedTo = new Map<string, string>();
  /** Applies a command; accepts any offer it produced at once, so agents stay busy. */
  const settle = (result: ApplyResult): void => {
    for (const event of result.events) {
      if (event.type !== 'ContactOffered') continue;
      engine.apply({ type: 'ACCEPT', contactId: event.contactId, agentId: event.agentId, offerToken: event.offerToken }, now);
      connectedTo.set(event.agentId, event.contactId);
      busy.push(event.agentId);
    }
  };
  const arrive = (): ApplyResult => {
    arrivals++;
    now += 1;
    return engine.apply({ type: 'ARRIVE', contact: { id: `c${arrivals}`, domain: 'bench', channel: 'phone',
      queueId: `q${Math.floor(rng.next() * size.queues)}`, basePriority: 0, tier: 'STANDARD', arrivedAtMs: now } }, now);
  };

  const setupStart = process.hrtime.bigint();
  for (let i = 0; i < size.agents; i++) engine.apply({ type: 'SIGN_IN', agent: agent(i, size.queues, rng) }, now);
  while (arrivals - busy.length - completed < size.waiting) {
    settle(arrive());
    if (arrivals % 200_000 === 0) log(`core: ${arrivals} arrivals, ${busy.length} agents busy`);
  }
  const setupSeconds = Number(process.hrtime.bigint() - setupStart) / 1e9;
  log(`core: loaded ${size.agents} agents and ${arrivals - busy.length - completed} waiting contacts in ${setupSeconds.toFixed(1)} s; measuring`);

  const freed = new Float64Array(size.measured);
  const arrived = new Float64Array(size.measured);
  for (let i = 0; i < size.measured; i++) {
    const pick = Math.floor(rng.next() * busy.length);
    const agentId = busy[pick] as string;
    busy[pick] = busy[busy.length - 1] as string;
    busy.pop();
    const contactId = connectedTo.get(agentId) as string;
    connectedTo.delete(agentId);
    now += 1;
    let t0 = process.hrtime.bigint();
    const done = engine.apply({ type: 'COMPLETE', contactId, agentId, disposition: 'done' }, now);
    freed[i] = Number(process.hrtime.bigint() - t0) / 1000;
    completed++;
    settle(done);
    t0 = process.hrtime.bigint();
    const result = arrive();
    arrived[i] = Number(process.hrtime.bigint() - t0) / 1000;
    settle(result);
  }
  const all = new Float64Array(size.measured * 2);
  all.set(freed);
  all.set(arrived, size.measured);
  const decision = summarize(all);
  const totalUs = all.reduce((s, x) => s + x, 0);
  const memory = process.memoryUsage();
  return {
    agents: size.agents,
    waitingContacts: arrivals - busy.length - completed,
    busyAgents: busy.length,
    queues: size.queues,
    decisions: all.length,
    decisionsPerSecond: Math.round(all.length / (totalUs / 1e6)),
    decisionUs: round(decision),
    agentFreedUs: round(summarize(freed)),
    arrivalUs: round(summarize(arrived)),
    p99TargetUs: 200,
    p99WithinTarget: decision.p99 <= 200,
    setupSeconds: Number(setupSeconds.toFixed(2)),
    heapUsedMB: Math.round(memory.heapUsed / 2 ** 20),
    rssMB: Math.round(memory.rss / 2 ** 20),
    node: process.version,
  };
}

/** Agent i serves queue i mod Q (so every queue is served) and two random others. */
function agent(i: number, queueCount: number, rng: Rng): AgentProfile {
  const served = new Set([i % queueCount]);
  while (served.size < Math.min(3, queueCount)) served.add(Math.floor(rng.next() * queueCount));
  const skills: Record<string, number> = {};
  for (const q of served) skills[`s${q}`] = 2 + Math.floor(rng.next() * 4);
  return { id: `a${i}`, skills, languages: [], team: `t${i % 10}`, capacity: { phone: 1 },
    queues: [...served].map((q, k) => ({ queueId: `q${q}`, priority: k })) };
}

function round<T extends object>(summary: T): T {
  return Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, typeof v === 'number' && k !== 'count' ? Number(v.toFixed(2)) : v])) as T;
}
