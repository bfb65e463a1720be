import { SortedList } from '../index-structs/sorted-list.js';
import { Presence } from '../model/agent.js';
import type { Channel } from '../model/channel.js';
import type { SkillRequirement } from '../model/skill.js';
import { agentOrderKeys } from '../rules/agent-order.js';
import { capacityPassReason, occupancy } from '../rules/capacity.js';
import { inVipPool, mergeSkills, minEligibleRing, proficiencyScore, ringCount } from '../rules/eligibility.js';
import { compareContacts } from '../rules/queue-order.js';
import { agentBucket, contactList } from './records.js';
import type { AgentRec, ContactRec, GroupRec, Membership, QueueRec, Unavailability } from './records.js';
import type { EngineState } from './state.js';

/** Index maintenance: groups, agent memberships and availability, contact placement. */

function groupKey(channel: Channel, language: string | undefined, skills: readonly SkillRequirement[]): string {
  const sig = skills.map((s) => `${s.skill}:${s.minProficiency}${s.optional === true ? '?' : ''}`).join(',');
  return `${channel}|${language ?? ''}|${sig}`;
}

/**
 * The group a contact belongs to in `queue`, created on first use. Creating a group checks every
 * agent serving the queue once (O(servers)); contacts of a queue mostly share one group, so this
 * is rare and later decisions never scan agents.
 */
export function groupFor(s: EngineState, queue: QueueRec, c: ContactRec): GroupRec {
  const skills = mergeSkills(queue.config.requiredSkills, c.input.requiredSkills);
  const key = groupKey(c.input.channel, c.input.language, skills);
  const existing = queue.groups.get(key);
  if (existing !== undefined) return existing;
  const rings = ringCount(queue.config);
  const group: GroupRec = {
    key, queue, channel: c.input.channel, language: c.input.language, skills,
    contactBuckets: Array.from({ length: rings * 2 }, contactList),
    agentBuckets: Array.from({ length: rings * 2 }, agentBucket),
    ineligible: new Map(), ineligibleCounts: {},
  };
  queue.groups.set(key, group);
  for (const agent of s.servers.get(queue.config.id) ?? []) joinGroup(agent, group);
  return group;
}

/** Adds the agent to the group's static buckets (or its ineligible list) and indexes its availability. */
export function joinGroup(agent: AgentRec, group: GroupRec): void {
  const config = group.queue.config;
  const min = minEligibleRing(agent.profile, config, group.skills, group.language);
  if (min.ring === undefined) {
    group.ineligible.set(agent, min.reason);
    group.ineligibleCounts[min.reason] = (group.ineligibleCounts[min.reason] ?? 0) + 1;
    return;
  }
  const inPool = inVipPool(agent.profile, config);
  const m: Membership = {
    group, minRing: min.ring, inPool, bucket: min.ring * 2 + (inPool ? 1 : 0),
    score: proficiencyScore(agent.profile, group.skills), entry: undefined, unavailable: undefined,
  };
  agent.memberships.set(group, m);
  group.agentBuckets[m.bucket]?.members.add(agent);
  refreshMembership(agent, m);
}

/** Removes the agent from every group it is indexed in. */
export function leaveAllGroups(s: EngineState, agent: AgentRec): void {
  for (const m of agent.memberships.values()) {
    const bucket = m.group.agentBuckets[m.bucket];
    if (bucket === undefined) continue;
    if (m.entry !== undefined) bucket.avail.delete(m.entry);
    if (m.unavailable !== undefined) bucket.unavailable[m.unavailable] -= 1;
    bucket.members.delete(agent);
  }
  agent.memberships.clear();
  for (const sq of agent.profile.queues) {
    for (const g of s.queues.get(sq.queueId)?.groups.values() ?? []) {
      const reason = g.ineligible.get(agent);
      if (reason === undefined) continue;
      g.ineligible.delete(agent);
      g.ineligibleCounts[reason] = (g.ineligibleCounts[reason] ?? 1) - 1;
    }
  }
}

/** Indexes the agent in every group of every queue it serves. */
export function joinAllGroups(s: EngineState, agent: AgentRec): void {
  for (const sq of agent.profile.queues) {
    for (const g of s.queues.get(sq.queueId)?.groups.values() ?? []) joinGroup(agent, g);
  }
}

/** Why the agent cannot take a contact on `channel` right now, or null. */
export function dynamicPassReason(agent: AgentRec, channel: Channel): Unavailability | null {
  if (agent.presence !== Presence.AVAILABLE) return 'PRESENCE';
  return capacityPassReason(agent.profile.capacity, agent.profile.allowBlendWithPhone === true, agent.load, channel) as Unavailability | null;
}

function refreshMembership(agent: AgentRec, m: Membership): void {
  const bucket = m.group.agentBuckets[m.bucket];
  if (bucket === undefined) return;
  const why = dynamicPassReason(agent, m.group.channel);
  if (m.unavailable !== undefined) bucket.unavailable[m.unavailable] -= 1;
  m.unavailable = why ?? undefined;
  if (why !== null) bucket.unavailable[why] += 1;
  let entry = undefined;
  if (why === null) {
    const config = m.group.queue.config;
    const [k1, k2] = agentOrderKeys(config.strategy, {
      idleSinceMs: agent.idleSinceMs, proficiencyScore: m.score,
      occupancy: occupancy(agent.profile.capacity, agent.load), lastOfferOrdinal: agent.lastOffer.get(config.id) ?? 0,
    });
    entry = m.entry !== undefined && m.entry.k1 === k1 && m.entry.k2 === k2 ? m.entry : { agent, k1, k2 };
  }
  if (entry === m.entry) return;
  if (m.entry !== undefined) bucket.avail.delete(m.entry);
  if (entry !== undefined) bucket.avail.add(entry);
  m.entry = entry;
}

/** Re-indexes the agent after any change of presence, load, idle time or offer ordinal. */
export function refreshAgent(agent: AgentRec): void {
  for (const m of agent.memberships.values()) refreshMembership(agent, m);
}

/** Puts a QUEUED contact in its index: its sticky agent's list, or its group's (ring, pool) bucket. */
export function placeContact(s: EngineState, c: ContactRec): void {
  const queue = s.queues.get(c.queueId);
  if (queue === undefined) return;
  // Reuse the contact's group while it is still its queue's current one (the common case).
  const cached = c.group;
  const group = cached !== undefined && cached.queue === queue && queue.groups.get(cached.key) === cached ? cached : groupFor(s, queue, c);
  c.group = group;
  let list: SortedList<ContactRec> | undefined;
  const sticky = c.stickyAgentId === undefined ? undefined : s.agents.get(c.stickyAgentId);
  if (sticky !== undefined) {
    list = sticky.sticky.get(c.queueId);
    if (list === undefined) {
      list = new SortedList<ContactRec>(compareContacts);
      sticky.sticky.set(c.queueId, list);
    }
  } else {
    list = group.contactBuckets[c.ring * 2 + (c.poolOpen ? 1 : 0)];
  }
  list?.add(c);
  c.place = list;
}

/** Takes a contact out of whatever index holds it. */
export function unplaceContact(c: ContactRec): void {
  c.place?.delete(c);
  c.place = undefined;
}
