import { emptyLoad } from '../rules/capacity.js';
import type { AgentProfile, Presence } from '../model/agent.js';
import type { Channel } from '../model/channel.js';
import type { CallbackState, ContactInput, ContactState } from '../model/contact.js';
import type { HoldReason, SurgeSource } from '../model/event.js';
import type { PassReason } from '../model/explanation.js';
import type { QueueConfig } from '../model/queue.js';
import type { SkillRequirement } from '../model/skill.js';
import type { ChannelLoad } from '../rules/capacity.js';
import { agentBucket, contactList } from './records.js';
import type { AgentRec, ContactRec, GroupRec, Membership, QueueRec, Unavailability } from './records.js';
import { SortedList } from '../index-structs/sorted-list.js';
import { compareContacts } from '../rules/queue-order.js';
import { EngineState } from './state.js';
import type { SurveyRec } from './surveys.js';

/**
 * A plain-data image of the whole engine state (a checkpoint's content), and its exact inverse.
 *
 * Restoring must give an engine that decides exactly as the captured one would: the log after a
 * checkpoint is replayed onto the restored engine and must yield the same events. Sorted indexes
 * are order-independent (their comparators are total), but several maps and sets are iterated
 * in insertion order (agents in a bucket, memberships, ineligible agents, servers of a queue,
 * pass-over counts), which shapes explanations. The image therefore keeps every collection in its
 * iteration order and every derived value (order keys, membership stage) as it was, rather than
 * recomputing them.
 */

export interface EngineImage {
  readonly seq: number;
  readonly nextToken: number;
  readonly nextArrival: number;
  readonly nowMs: number;
  /** In `s.queues` order. */
  readonly queues: readonly QueueImage[];
  /** In `s.agents` order. */
  readonly agents: readonly AgentImage[];
  /** In `s.contacts` order (the engine's live contacts). */
  readonly contacts: readonly ContactImage[];
  /** queueId → ids of the signed-in agents serving it, in set order; map in insertion order. */
  readonly servers: readonly { readonly queueId: string; readonly agentIds: readonly string[] }[];
  /** Open surveys of completed contacts, in `s.surveys` order; absent in images older than surveys (none open). */
  readonly surveys?: readonly SurveyImage[];
}

/** An open survey (core/surveys.ts): plain data already. */
export type SurveyImage = Readonly<SurveyRec>;

export interface QueueImage {
  readonly config: QueueConfig;
  readonly waiting: number;
  readonly offered: number;
  readonly offerOrdinal: number;
  /** In `groups` order. */
  readonly groups: readonly GroupImage[];
  /** Absent in images older than opening hours: open, nothing scheduled. */
  readonly hours?: { readonly open: boolean; readonly nextChangeMs?: number; readonly token: number };
  /** Absent in images older than surge mode: not surging. */
  readonly surge?: { readonly active: boolean; readonly pinned: boolean; readonly source?: SurgeSource; readonly sinceMs: number };
}

export interface GroupImage {
  readonly key: string;
  readonly channel: Channel;
  readonly language?: string;
  readonly skills: readonly SkillRequirement[];
  /** Per agent bucket (index minRing * 2 + inPool), the member agents' ids in set order. */
  readonly bucketMembers: readonly (readonly string[])[];
  /** Per agent bucket, the unavailable counts. */
  readonly bucketUnavailable: readonly Readonly<Record<Unavailability, number>>[];
  /** In map order. */
  readonly ineligible: readonly { readonly agentId: string; readonly reason: PassReason }[];
  /** In key order, zero counts included. */
  readonly ineligibleCounts: readonly { readonly reason: PassReason; readonly count: number }[];
}

export interface MembershipImage {
  readonly queueId: string;
  readonly groupKey: string;
  readonly minRing: number;
  readonly inPool: boolean;
  readonly bucket: number;
  readonly score: number;
  /** The agent's entry in the bucket's available list (its order keys), when available. */
  readonly entry?: { readonly k1: number; readonly k2: number };
  readonly unavailable?: Unavailability;
}

export interface AgentImage {
  readonly profile: AgentProfile;
  readonly presence: Presence;
  readonly awayReason?: string;
  readonly idleSinceMs: number;
  readonly load: ChannelLoad;
  readonly misses: number;
  /** In set order. */
  readonly contactIds: readonly string[];
  /** In map order. */
  readonly lastOffer: readonly { readonly queueId: string; readonly ordinal: number }[];
  /** In map order. */
  readonly memberships: readonly MembershipImage[];
  /** Queue ids of the agent's sticky lists, in map order (their contacts say they are placed there). */
  readonly stickyQueues: readonly string[];
}

/** Where a QUEUED contact is indexed. */
export type PlaceImage =
  | { readonly kind: 'bucket'; readonly queueId: string; readonly groupKey: string; readonly index: number }
  | { readonly kind: 'sticky'; readonly agentId: string; readonly queueId: string };

export interface ContactImage {
  readonly input: ContactInput;
  readonly arrivalSeq: number;
  readonly arrivedAtMs: number;
  readonly queueId: string;
  readonly state: ContactState;
  readonly enqueuedAtMs: number;
  readonly entryToken: number;
  readonly key: number;
  readonly ring: number;
  readonly poolOpen: boolean;
  readonly preferredAgentId?: string;
  readonly stickyAgentId?: string;
  /** The contact's cached group, while it is still a current group of its queue. */
  readonly group?: { readonly queueId: string; readonly key: string };
  readonly place?: PlaceImage;
  readonly agentId?: string;
  readonly offerToken?: number;
  readonly offeredAtMs: number;
  readonly connectedAtMs: number;
  readonly wrapStartMs: number;
  /** Present (true) only while the agent's outcome of a contact its platform ended is still to come. */
  readonly outcomePending?: true;
  /** In map order. */
  readonly declinedBy: readonly { readonly agentId: string; readonly untilMs: number; readonly token: number }[];
  readonly history: readonly string[];
  readonly callback?: CallbackState;
  readonly hold?: { readonly reason: HoldReason; readonly untilMs?: number };
  /** Present (true) only once offered a callback in its current queue. */
  readonly callbackOffered?: true;
  /** Present (true) only once a follow-up task was escalated at risk. */
  readonly escalated?: true;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** The image of `s`. Reads only; O(live contacts + agents × groups). */
export function captureState(s: EngineState): EngineImage {
  const places = placesOf(s);
  return {
    seq: s.seq, nextToken: s.nextToken, nextArrival: s.nextArrival, nowMs: s.now,
    queues: [...s.queues.values()].map(queueImage),
    agents: [...s.agents.values()].map(agentImage),
    contacts: [...s.contacts.values()].map((c) => contactImage(c, places)),
    servers: [...s.servers].map(([queueId, agents]) => ({ queueId, agentIds: [...agents].map((a) => a.id) })),
    surveys: [...s.surveys.values()].map((survey) => ({ ...survey })),
  };
}

/** Every index list a contact can be placed in, by identity. */
function placesOf(s: EngineState): Map<SortedList<ContactRec>, PlaceImage> {
  const places = new Map<SortedList<ContactRec>, PlaceImage>();
  for (const q of s.queues.values()) {
    for (const g of q.groups.values()) {
      g.contactBuckets.forEach((list, index) => places.set(list, { kind: 'bucket', queueId: q.config.id, groupKey: g.key, index }));
    }
  }
  for (const a of s.agents.values()) {
    for (const [queueId, list] of a.sticky) places.set(list, { kind: 'sticky', agentId: a.id, queueId });
  }
  return places;
}

function queueImage(q: QueueRec): QueueImage {
  return {
    config: q.config, waiting: q.waiting, offered: q.offered, offerOrdinal: q.offerOrdinal,
    hours: { open: q.hours.open, ...(q.hours.nextChangeMs === undefined ? {} : { nextChangeMs: q.hours.nextChangeMs }), token: q.hours.token },
    surge: { active: q.surge.active, pinned: q.surge.pinned, ...(q.surge.source === undefined ? {} : { source: q.surge.source }), sinceMs: q.surge.sinceMs },
    groups: [...q.groups.values()].map((g) => ({
      key: g.key, channel: g.channel, ...(g.language === undefined ? {} : { language: g.language }), skills: g.skills,
      bucketMembers: g.agentBuckets.map((b) => [...b.members].map((a) => a.id)),
      bucketUnavailable: g.agentBuckets.map((b) => ({ ...b.unavailable })),
      ineligible: [...g.ineligible].map(([agent, reason]) => ({ agentId: agent.id, reason })),
      ineligibleCounts: Object.entries(g.ineligibleCounts).map(([reason, count]) => ({ reason: reason as PassReason, count: count ?? 0 })),
    })),
  };
}

function agentImage(a: AgentRec): AgentImage {
  return {
    profile: a.profile, presence: a.presence, ...(a.awayReason === undefined ? {} : { awayReason: a.awayReason }),
    idleSinceMs: a.idleSinceMs, load: { ...a.load }, misses: a.misses,
    contactIds: [...a.contacts].map((c) => c.id),
    lastOffer: [...a.lastOffer].map(([queueId, ordinal]) => ({ queueId, ordinal })),
    memberships: [...a.memberships.values()].map((m) => ({
      queueId: m.group.queue.config.id, groupKey: m.group.key, minRing: m.minRing, inPool: m.inPool, bucket: m.bucket, score: m.score,
      ...(m.entry === undefined ? {} : { entry: { k1: m.entry.k1, k2: m.entry.k2 } }),
      ...(m.unavailable === undefined ? {} : { unavailable: m.unavailable }),
    })),
    stickyQueues: [...a.sticky.keys()],
  };
}

/** The image of a contact nobody declined (most): one frozen array shared by them all. */
const NONE_DECLINED: ContactImage['declinedBy'] = Object.freeze([]);

function contactImage(c: ContactRec, places: ReadonlyMap<SortedList<ContactRec>, PlaceImage>): ContactImage {
  // The one image built per live contact: plain assignments rather than conditional spreads (a
  // checkpoint of 100,000 waiting contacts captures them while routing waits). Same key order.
  const g = c.group;
  const image: Writable<ContactImage> = {
    input: c.input, arrivalSeq: c.arrivalSeq, arrivedAtMs: c.arrivedAtMs, queueId: c.queueId, state: c.state,
    enqueuedAtMs: c.enqueuedAtMs, entryToken: c.entryToken, key: c.key, ring: c.ring, poolOpen: c.poolOpen,
  } as Writable<ContactImage>;
  if (c.preferredAgentId !== undefined) image.preferredAgentId = c.preferredAgentId;
  if (c.stickyAgentId !== undefined) image.stickyAgentId = c.stickyAgentId;
  if (g !== undefined && g.queue.groups.get(g.key) === g) image.group = { queueId: g.queue.config.id, key: g.key };
  const place = c.place === undefined ? undefined : places.get(c.place);
  if (place !== undefined) image.place = place;
  if (c.agent !== undefined) image.agentId = c.agent.id;
  if (c.offerToken !== undefined) image.offerToken = c.offerToken;
  image.offeredAtMs = c.offeredAtMs;
  image.connectedAtMs = c.connectedAtMs;
  image.wrapStartMs = c.wrapStartMs;
  if (c.outcomePending) image.outcomePending = true;
  image.declinedBy = c.declinedBy.size === 0 ? NONE_DECLINED : [...c.declinedBy].map(([agentId, e]) => ({ agentId, untilMs: e.untilMs, token: e.token }));
  image.history = c.history; // replaced on change, never mutated: shared, not copied
  if (c.callback !== undefined) image.callback = c.callback;
  if (c.hold !== undefined) image.hold = c.hold;
  if (c.callbackOffered) image.callbackOffered = true;
  if (c.escalated) image.escalated = true;
  return image;
}

/** Thrown when an image does not describe a consistent state (a corrupt or foreign checkpoint). */
export class ImageError extends Error {
  override readonly name = 'ImageError';
}

/** The engine state an image describes. @throws ImageError when the image refers to what it lacks. */
export function restoreState(domainId: string, ruleVersion: string, image: EngineImage): EngineState {
  const s = new EngineState(domainId, ruleVersion);
  s.seq = image.seq;
  s.nextToken = image.nextToken;
  s.nextArrival = image.nextArrival;
  s.now = image.nowMs;
  for (const q of image.queues) restoreQueue(s, q);
  const agents = image.agents.map((a) => restoreAgent(s, a));
  for (const c of image.contacts) restoreContact(s, c);
  image.agents.forEach((a, i) => linkAgent(s, agents[i]!, a));
  for (const { queueId, agentIds } of image.servers) s.servers.set(queueId, new Set(agentIds.map((id) => agentOf(s, id))));
  image.queues.forEach((q) => linkGroups(s, q));
  for (const survey of image.surveys ?? []) s.surveys.set(survey.contactId, { ...survey });
  return s;
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new ImageError(`checkpoint refers to ${what}, which it does not hold`);
  return value;
}

function agentOf(s: EngineState, id: string): AgentRec {
  return need(s.agents.get(id), `agent ${id}`);
}

function groupOf(s: EngineState, queueId: string, key: string): GroupRec {
  return need(s.queues.get(queueId)?.groups.get(key), `group ${key} of queue ${queueId}`);
}

function restoreQueue(s: EngineState, image: QueueImage): void {
  const q: QueueRec = {
    config: image.config, groups: new Map(), waiting: image.waiting, offered: image.offered, offerOrdinal: image.offerOrdinal,
    hours: { open: image.hours?.open ?? true, nextChangeMs: image.hours?.nextChangeMs, token: image.hours?.token ?? 0 },
    surge: { active: image.surge?.active ?? false, pinned: image.surge?.pinned ?? false, source: image.surge?.source, sinceMs: image.surge?.sinceMs ?? 0 },
  };
  s.queues.set(image.config.id, q);
  for (const g of image.groups) {
    q.groups.set(g.key, {
      key: g.key, queue: q, channel: g.channel, language: g.language, skills: g.skills,
      contactBuckets: g.bucketMembers.map(contactList),
      agentBuckets: g.bucketMembers.map(agentBucket),
      ineligible: new Map(), ineligibleCounts: {},
    });
  }
}

function restoreAgent(s: EngineState, a: AgentImage): AgentRec {
  const agent: AgentRec = {
    id: a.profile.id, profile: a.profile, presence: a.presence, awayReason: a.awayReason, idleSinceMs: a.idleSinceMs,
    // Images written before a channel existed lack its count: zero, not undefined (capacity checks add them up).
    load: { ...emptyLoad(), ...a.load }, misses: a.misses, contacts: new Set(), lastOffer: new Map(a.lastOffer.map((l) => [l.queueId, l.ordinal])),
    memberships: new Map(), sticky: new Map(a.stickyQueues.map((queueId) => [queueId, new SortedList<ContactRec>(compareContacts)])),
  };
  s.agents.set(agent.id, agent);
  return agent;
}

function restoreContact(s: EngineState, image: ContactImage): void {
  const group = image.group === undefined ? undefined : groupOf(s, image.group.queueId, image.group.key);
  const c: ContactRec = {
    id: image.input.id, input: image.input, arrivalSeq: image.arrivalSeq, arrivedAtMs: image.arrivedAtMs, queueId: image.queueId,
    state: image.state, enqueuedAtMs: image.enqueuedAtMs, entryToken: image.entryToken, key: image.key, ring: image.ring,
    poolOpen: image.poolOpen, preferredAgentId: image.preferredAgentId, stickyAgentId: image.stickyAgentId, group, place: undefined,
    agent: image.agentId === undefined ? undefined : agentOf(s, image.agentId), offerToken: image.offerToken,
    offeredAtMs: image.offeredAtMs, connectedAtMs: image.connectedAtMs, wrapStartMs: image.wrapStartMs,
    outcomePending: image.outcomePending === true,
    declinedBy: new Map(image.declinedBy.map((d) => [d.agentId, { untilMs: d.untilMs, token: d.token }])), history: image.history,
    callback: image.callback, hold: image.hold, callbackOffered: image.callbackOffered === true, escalated: image.escalated === true,
  };
  if (image.place !== undefined) {
    const p = image.place;
    const list = p.kind === 'bucket'
      ? need(groupOf(s, p.queueId, p.groupKey).contactBuckets[p.index], `bucket ${p.index} of group ${p.groupKey}`)
      : need(agentOf(s, p.agentId).sticky.get(p.queueId), `sticky list ${p.queueId} of agent ${p.agentId}`);
    list.add(c);
    c.place = list;
  }
  s.contacts.set(c.id, c);
}

function linkAgent(s: EngineState, agent: AgentRec, image: AgentImage): void {
  for (const id of image.contactIds) agent.contacts.add(need(s.contacts.get(id), `contact ${id}`));
  for (const m of image.memberships) {
    const group = groupOf(s, m.queueId, m.groupKey);
    const membership: Membership = {
      group, minRing: m.minRing, inPool: m.inPool, bucket: m.bucket, score: m.score,
      entry: m.entry === undefined ? undefined : { agent, k1: m.entry.k1, k2: m.entry.k2 }, unavailable: m.unavailable,
    };
    agent.memberships.set(group, membership);
    if (membership.entry !== undefined) need(group.agentBuckets[m.bucket], `bucket ${m.bucket} of group ${group.key}`).avail.add(membership.entry);
  }
}

function linkGroups(s: EngineState, image: QueueImage): void {
  for (const g of image.groups) {
    const group = groupOf(s, image.config.id, g.key);
    g.bucketMembers.forEach((ids, i) => {
      const bucket = group.agentBuckets[i]!;
      for (const id of ids) bucket.members.add(agentOf(s, id));
      Object.assign(bucket.unavailable, g.bucketUnavailable[i]);
    });
    for (const { agentId, reason } of g.ineligible) group.ineligible.set(agentOf(s, agentId), reason);
    for (const { reason, count } of g.ineligibleCounts) group.ineligibleCounts[reason] = count;
  }
}
