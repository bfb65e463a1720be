import { SortedList } from '../index-structs/sorted-list.js';
import type { AgentProfile, Presence } from '../model/agent.js';
import type { Channel } from '../model/channel.js';
import type { CallbackState, ContactInput, ContactState } from '../model/contact.js';
import type { HoldReason, SurgeSource } from '../model/event.js';
import type { PassReason } from '../model/explanation.js';
import type { QueueConfig } from '../model/queue.js';
import type { SkillRequirement } from '../model/skill.js';
import type { ChannelLoad } from '../rules/capacity.js';
import { compareContacts } from '../rules/queue-order.js';

/**
 * Mutable engine records and the indexes that keep decisions from scanning.
 *
 * A *group* is one queue's contacts that share channel, language and merged skills — in practice
 * a queue has a handful. Per group: waiting contacts sorted by the queue order, one list per
 * (ring, poolOpen) *contact bucket*; and agents statically eligible for the group, one set per
 * (minRing, inPool) *agent bucket*, with the available ones in a list sorted by the queue's
 * strategy. Contact bucket (r, p) can be served by agent bucket (m, i) iff m ≤ r and (i or p).
 */

/** An available agent's place in an agent bucket. */
export interface AgentEntry {
  readonly agent: AgentRec;
  readonly k1: number;
  readonly k2: number;
}

/** Orders agent entries: primary key, secondary key, then agent id. */
export function compareAgentEntries(a: AgentEntry, b: AgentEntry): number {
  return a.k1 - b.k1 || a.k2 - b.k2 || (a.agent.id < b.agent.id ? -1 : a.agent.id > b.agent.id ? 1 : 0);
}

/** Why a statically eligible agent is not available right now. */
export type Unavailability = 'PRESENCE' | 'CAPACITY' | 'BLENDING';

/** Agents of one (minRing, inPool) class of a group. */
export interface AgentBucket {
  readonly avail: SortedList<AgentEntry>;
  readonly members: Set<AgentRec>;
  readonly unavailable: Record<Unavailability, number>;
}

/** An agent's standing in one group. */
export interface Membership {
  readonly group: GroupRec;
  readonly minRing: number;
  readonly inPool: boolean;
  readonly bucket: number;
  readonly score: number;
  entry: AgentEntry | undefined;
  unavailable: Unavailability | undefined;
}

/** See the file comment. */
export interface GroupRec {
  readonly key: string;
  readonly queue: QueueRec;
  readonly channel: Channel;
  readonly language: string | undefined;
  readonly skills: readonly SkillRequirement[];
  /** Index `ring * 2 + (poolOpen ? 1 : 0)`. */
  readonly contactBuckets: SortedList<ContactRec>[];
  /** Index `minRing * 2 + (inPool ? 1 : 0)`. */
  readonly agentBuckets: AgentBucket[];
  /** Agents serving the queue that no ring admits, with the reason at the widest ring. */
  readonly ineligible: Map<AgentRec, PassReason>;
  /** Counts of `ineligible` by reason (explanations must not walk the map). */
  readonly ineligibleCounts: Partial<Record<PassReason, number>>;
}

/** A queue and its groups. */
export interface QueueRec {
  config: QueueConfig;
  readonly groups: Map<string, GroupRec>;
  /** QUEUED contacts, sticky ones included. */
  waiting: number;
  offered: number;
  /** Counts offers made from this queue (ROUND_ROBIN ordinals). */
  offerOrdinal: number;
  /** Open by its hours and emergency closure, as of the last hours check (see core/hours-flow.ts). */
  hours: QueueHoursRec;
  surge: SurgeRec;
}

/** A queue's opening state; `token` fences QUEUE_HOURS timers (a new one with every change). */
export interface QueueHoursRec {
  open: boolean;
  nextChangeMs: number | undefined;
  token: number;
}

/** A queue's surge mode; `pinned` while a supervisor's switch holds it. */
export interface SurgeRec {
  active: boolean;
  pinned: boolean;
  source: SurgeSource | undefined;
  sinceMs: number;
}

/** A signed-in (or signed-out but still finishing work) agent. */
export interface AgentRec {
  readonly id: string;
  profile: AgentProfile;
  presence: Presence;
  awayReason: string | undefined;
  idleSinceMs: number;
  readonly load: ChannelLoad;
  misses: number;
  readonly contacts: Set<ContactRec>;
  /** queueId → ROUND_ROBIN ordinal of this agent's last offer from that queue. */
  readonly lastOffer: Map<string, number>;
  readonly memberships: Map<GroupRec, Membership>;
  /** queueId → contacts waiting for this agent alone (sticky phase). */
  readonly sticky: Map<string, SortedList<ContactRec>>;
}

/** A live contact. */
export interface ContactRec {
  readonly id: string;
  /** Replaced (never changed in place) when a supervisor re-prioritises the contact. */
  input: ContactInput;
  readonly arrivalSeq: number;
  readonly arrivedAtMs: number;
  queueId: string;
  state: ContactState;
  enqueuedAtMs: number;
  /** Fences QUEUE_THRESHOLD timers: changes on every queue entry. */
  entryToken: number;
  /** Time-invariant order key in the current queue (see rules/queue-order.ts). */
  key: number;
  ring: number;
  poolOpen: boolean;
  preferredAgentId: string | undefined;
  /** Set during the sticky phase: the one agent this contact waits for. */
  stickyAgentId: string | undefined;
  group: GroupRec | undefined;
  /** The list holding this contact while QUEUED. */
  place: SortedList<ContactRec> | undefined;
  agent: AgentRec | undefined;
  offerToken: number | undefined;
  offeredAtMs: number;
  connectedAtMs: number;
  wrapStartMs: number;
  /** Its platform ended it while connected: the agent's outcome (ContactOutcomeRecorded) is still to come. */
  outcomePending: boolean;
  /**
   * Agents excluded from this contact after declining or missing it (agentId → exclusion). An
   * exclusion lapses at `untilMs` (see {@link isExcluded}; an EXCLUSION_LAPSE timer then drops it
   * and re-decides) so it can never starve the contact; all are cleared when it enters a queue.
   */
  readonly declinedBy: Map<string, Exclusion>;
  /** Replaced, never changed in place (copy on write), so a capture may share it. */
  history: readonly string[];
  /** Set once the customer asked to be called back. */
  callback: CallbackState | undefined;
  /** Held back from offers while QUEUED (not placed in any list meanwhile). */
  hold: { readonly reason: HoldReason; readonly untilMs?: number } | undefined;
  /** Offered a callback in its current queue (surge mode); cleared on entering another queue. */
  callbackOffered: boolean;
  /** A follow-up task escalated at risk (once: it is never escalated again). */
  escalated: boolean;
}

/** One agent's exclusion from one contact; `token` is the refused offer's (fences the lapse timer). */
export interface Exclusion {
  readonly untilMs: number;
  readonly token: number;
}

/**
 * True while the agent's exclusion from `c` has not lapsed. Judged by time, not by whether the
 * lapse timer has fired yet, so exclusions lapsing at the same instant all end together and the
 * timer firing first cannot hand its contact ahead of a better one.
 */
export function isExcluded(c: ContactRec, agentId: string, nowMs: number): boolean {
  const e = c.declinedBy.get(agentId);
  return e !== undefined && e.untilMs > nowMs;
}

/** A new empty list of contacts in queue order. */
export function contactList(): SortedList<ContactRec> {
  return new SortedList<ContactRec>(compareContacts);
}

/** A new empty agent bucket. */
export function agentBucket(): AgentBucket {
  return { avail: new SortedList<AgentEntry>(compareAgentEntries), members: new Set(), unavailable: { PRESENCE: 0, CAPACITY: 0, BLENDING: 0 } };
}
