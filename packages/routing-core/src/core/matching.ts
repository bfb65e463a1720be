import { compareContacts } from '../rules/queue-order.js';
import { openNow } from './customer-service.js';
import { dynamicPassReason } from './indexes.js';
import { compareAgentEntries, isExcluded } from './records.js';
import type { AgentEntry, AgentRec, ContactRec, Membership, QueueRec } from './records.js';
import type { EngineState } from './state.js';

/**
 * The two decisions, both bounded by the number of buckets (rings × 2) and groups, never by the
 * number of waiting contacts or agents. Skipping agents excluded from a contact (or contacts an
 * agent is excluded from) is bounded by the live exclusions, which lapse after one offer timeout.
 */

/** True when an agent of this membership may serve a contact at the contact's ring and pool stage. */
export function reaches(m: Membership, c: ContactRec): boolean {
  return m.minRing <= c.ring && (m.inPool || c.poolOpen);
}

/** The best available, eligible agent for a QUEUED contact, or undefined. */
export function bestAgentFor(s: EngineState, c: ContactRec): AgentEntry | undefined {
  const g = c.group;
  if (g === undefined) return undefined;
  if (c.stickyAgentId !== undefined) {
    const agent = s.agents.get(c.stickyAgentId);
    const m = agent?.memberships.get(g);
    if (m?.entry === undefined || !reaches(m, c) || isExcluded(c, m.entry.agent.id, s.now)) return undefined;
    return m.entry;
  }
  let best: AgentEntry | undefined;
  for (let ring = 0; ring <= c.ring; ring++) {
    for (let pool = 1; pool >= (c.poolOpen ? 0 : 1); pool--) {
      const bucket = g.agentBuckets[ring * 2 + pool];
      if (bucket === undefined) continue;
      for (const e of bucket.avail) {
        if (isExcluded(c, e.agent.id, s.now)) continue;
        if (best === undefined || compareAgentEntries(e, best) < 0) best = e;
        break;
      }
    }
  }
  return best;
}

/** The contact an agent with free capacity should take next, and the other queues' heads it beat. */
export interface ContactChoice {
  readonly contact: ContactRec;
  readonly alternatives: readonly { readonly queueId: string; readonly contactId: string }[];
}

function firstNotExcluded(list: Iterable<ContactRec>, agentId: string, nowMs: number): ContactRec | undefined {
  for (const c of list) if (!isExcluded(c, agentId, nowMs)) return c;
  return undefined;
}

function betterInQueue(a: ContactRec | undefined, b: ContactRec): ContactRec {
  return a === undefined || compareContacts(b, a) < 0 ? b : a;
}

/**
 * Picks across the agent's queues: VIP queues first, then the agent's own queue priority (lower
 * first), then the head that has waited longest since arrival; within a queue, queue order.
 */
export function bestContactFor(s: EngineState, agent: AgentRec): ContactChoice | undefined {
  const heads = new Map<QueueRec, ContactRec>();
  // A queue whose closing is due but not yet acted on (its QUEUE_HOURS timer is late) offers nothing.
  const openness = new Map<QueueRec, boolean>();
  const open = (q: QueueRec): boolean => {
    let o = openness.get(q);
    if (o === undefined) openness.set(q, (o = openNow(s, q)));
    return o;
  };
  for (const m of agent.memberships.values()) {
    if (m.entry === undefined) continue;
    const g = m.group;
    for (let ring = m.minRing; ring * 2 < g.contactBuckets.length; ring++) {
      for (let pool = 1; pool >= (m.inPool ? 0 : 1); pool--) {
        const bucket = g.contactBuckets[ring * 2 + pool];
        const c = bucket === undefined || bucket.size === 0 ? undefined : firstNotExcluded(bucket, agent.id, s.now);
        if (c !== undefined && open(g.queue)) heads.set(g.queue, betterInQueue(heads.get(g.queue), c));
      }
    }
  }
  for (const list of agent.sticky.values()) {
    for (const c of list) {
      const m = c.group === undefined ? undefined : agent.memberships.get(c.group);
      if (m === undefined || !reaches(m, c) || isExcluded(c, agent.id, s.now)) continue;
      if (dynamicPassReason(agent, c.input.channel) !== null) continue;
      const q = s.queues.get(c.queueId);
      if (q !== undefined && open(q)) heads.set(q, betterInQueue(heads.get(q), c));
      break;
    }
  }
  let best: { q: QueueRec; c: ContactRec } | undefined;
  for (const [q, c] of heads) {
    if (best === undefined || compareQueues(agent, q, c, best.q, best.c) < 0) best = { q, c };
  }
  if (best === undefined) return undefined;
  const chosen = best.c;
  const alternatives = [...heads.values()].filter((c) => c !== chosen).map((c) => ({ queueId: c.queueId, contactId: c.id }));
  return { contact: chosen, alternatives };
}

function agentPriority(agent: AgentRec, queueId: string): number {
  return agent.profile.queues.find((q) => q.queueId === queueId)?.priority ?? Number.MAX_SAFE_INTEGER;
}

function compareQueues(agent: AgentRec, qa: QueueRec, a: ContactRec, qb: QueueRec, b: ContactRec): number {
  const vip = (qb.config.kind === 'VIP' ? 1 : 0) - (qa.config.kind === 'VIP' ? 1 : 0);
  return vip
    || agentPriority(agent, qa.config.id) - agentPriority(agent, qb.config.id)
    || a.arrivedAtMs - b.arrivedAtMs
    || a.arrivalSeq - b.arrivalSeq;
}
