import { MAX_CANDIDATE_NOTES, PassReason } from '../model/explanation.js';
import type { CandidateNote, DecisionTrigger, Explanation } from '../model/explanation.js';
import { isExcluded } from './records.js';
import type { AgentEntry, ContactRec } from './records.js';
import type { EngineState } from './state.js';

/** How many index entries an explanation may look at beyond the counts (keeps decisions bounded). */
const MAX_STEPS = 64;

/**
 * Explains a decision for contact `c`: exact counts per pass-over reason (from bucket counters,
 * O(buckets)) and up to {@link MAX_CANDIDATE_NOTES} named agents (a bounded walk of the indexes).
 */
export function explain(
  s: EngineState, c: ContactRec, trigger: DecisionTrigger, chosen: AgentEntry | undefined,
  alternatives?: readonly { readonly queueId: string; readonly contactId: string }[],
): Explanation {
  const g = c.group;
  const config = s.queues.get(c.queueId)?.config;
  const counts: Partial<Record<PassReason, number>> = {};
  const add = (r: PassReason, n: number): void => {
    if (n > 0) counts[r] = (counts[r] ?? 0) + n;
  };
  let steps = 0;
  const notes: CandidateNote[] = [];
  const noted = new Set<string>();
  const note = (n: CandidateNote): void => {
    if (notes.length < MAX_CANDIDATE_NOTES && !noted.has(n.agentId)) {
      notes.push(n);
      noted.add(n.agentId);
    }
  };
  const full = (): boolean => notes.length >= MAX_CANDIDATE_NOTES || steps >= MAX_STEPS;
  if (chosen !== undefined) {
    const m = g === undefined ? undefined : chosen.agent.memberships.get(g);
    note({ agentId: chosen.agent.id, score: chosen.k1, ...(m === undefined ? {} : { ring: m.minRing }) });
  }
  let eligible = 0;
  if (g !== undefined) {
    for (const [reason, n] of Object.entries(g.ineligibleCounts)) add(reason as PassReason, n);
    for (const [agent, reason] of g.ineligible) {
      if (full() || ++steps > MAX_STEPS / 4) break;
      note({ agentId: agent.id, passedOver: reason });
    }
    for (let b = 0; b < g.agentBuckets.length; b++) {
      const bucket = g.agentBuckets[b];
      if (bucket === undefined) continue;
      const ring = b >> 1;
      const inPool = (b & 1) === 1;
      const sticky = c.stickyAgentId;
      if (ring > c.ring || (!inPool && !c.poolOpen)) {
        add(ring > c.ring ? PassReason.RING : PassReason.NOT_IN_POOL, bucket.members.size);
        for (const a of bucket.members) {
          if (full() || ++steps > MAX_STEPS) break;
          note({ agentId: a.id, passedOver: ring > c.ring ? PassReason.RING : PassReason.NOT_IN_POOL, ring });
        }
        continue;
      }
      add(PassReason.PRESENCE, bucket.unavailable.PRESENCE);
      add(PassReason.CAPACITY, bucket.unavailable.CAPACITY);
      add(PassReason.BLENDING, bucket.unavailable.BLENDING);
      let declined = 0;
      for (const id of c.declinedBy.keys()) {
        if (!isExcluded(c, id, s.now)) continue;
        const m = s.agents.get(id)?.memberships.get(g);
        if (m?.bucket === b && m.entry !== undefined) declined += 1;
      }
      add(PassReason.DECLINED_BEFORE, declined);
      const avail = bucket.avail.size - declined;
      // During the sticky phase only the preferred agent counts as eligible.
      eligible += sticky === undefined ? avail : 0;
      for (const a of bucket.members) {
        if (full() || ++steps > MAX_STEPS) break;
        const m = a.memberships.get(g);
        if (m === undefined) continue;
        if (m.unavailable !== undefined) note({ agentId: a.id, passedOver: m.unavailable, ring });
        else if (isExcluded(c, a.id, s.now)) note({ agentId: a.id, passedOver: PassReason.DECLINED_BEFORE, ring });
        else note({ agentId: a.id, ...(m.entry === undefined ? {} : { score: m.entry.k1 }), ring });
      }
    }
    if (c.stickyAgentId !== undefined && chosen !== undefined) eligible = 1;
  }
  return {
    trigger, ruleVersion: s.ruleVersion, strategy: config?.strategy ?? 'LONGEST_IDLE', queueId: c.queueId,
    ring: c.ring, poolOpen: c.poolOpen, candidates: notes, eligibleCount: eligible, passedOverCounts: counts,
    ...(chosen === undefined ? {} : { chosenAgentId: chosen.agent.id, score: chosen.k1 }),
    ...(alternatives === undefined ? {} : { alternatives }),
  };
}
