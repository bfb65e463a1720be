import type { AgentView } from '../model/agent.js';
import type { ContactView } from '../model/contact.js';
import type { SortedList } from '../index-structs/sorted-list.js';
import { compareContacts } from '../rules/queue-order.js';
import { isExcluded } from './records.js';
import type { AgentRec, ContactRec } from './records.js';
import type { EngineState } from './state.js';

/** Read-only projections of engine records (copies; callers cannot mutate the engine through them). */

/** A contact's public view at `nowMs` (exclusions that have lapsed by then are not listed). */
export function contactView(c: ContactRec, nowMs: number): ContactView {
  return {
    ...c.input, queueId: c.queueId, preferredAgentId: c.preferredAgentId, state: c.state, enqueuedAtMs: c.enqueuedAtMs,
    ring: c.ring, poolOpen: c.poolOpen, sticky: c.stickyAgentId !== undefined,
    ...(c.agent === undefined ? {} : { agentId: c.agent.id }), ...(c.offerToken === undefined ? {} : { offerToken: c.offerToken }),
    declinedBy: [...c.declinedBy.keys()].filter((id) => isExcluded(c, id, nowMs)), history: [...c.history],
    ...(c.callback === undefined ? {} : { callback: c.callback }), ...(c.hold === undefined ? {} : { held: c.hold }),
    callbackOffered: c.callbackOffered,
  };
}

/** An agent's public view. */
export function agentView(a: AgentRec): AgentView {
  return {
    ...a.profile, presence: a.presence, ...(a.awayReason === undefined ? {} : { awayReason: a.awayReason }),
    idleSinceMs: a.idleSinceMs, used: { ...a.load }, consecutiveMisses: a.misses, contactIds: [...a.contacts].map((c) => c.id),
  };
}

/** Every index list holding waiting contacts of a queue (group buckets and agents' sticky lists). */
export function queueLists(s: EngineState, queueId: string): SortedList<ContactRec>[] {
  const out: SortedList<ContactRec>[] = [];
  for (const g of s.queues.get(queueId)?.groups.values() ?? []) for (const l of g.contactBuckets) if (l.size > 0) out.push(l);
  for (const a of s.agents.values()) {
    const l = a.sticky.get(queueId);
    if (l !== undefined && l.size > 0) out.push(l);
  }
  return out;
}

/** Waiting contacts of a queue in queue order, merged lazily across lists, at most `limit`. */
export function waitingInOrder(s: EngineState, queueId: string, limit: number): ContactRec[] {
  const iters = queueLists(s, queueId).map((l) => l[Symbol.iterator]());
  const heads = iters.map((it) => it.next());
  const out: ContactRec[] = [];
  while (out.length < limit) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      const b = best < 0 ? undefined : heads[best];
      if (h !== undefined && h.done !== true && (b === undefined || b.done === true || compareContacts(h.value, b.value) < 0)) best = i;
    }
    const h = heads[best];
    if (h === undefined || h.done === true) break;
    out.push(h.value);
    heads[best] = (iters[best] as Iterator<ContactRec>).next();
  }
  return out;
}

/** 1-based place of a waiting contact in its queue, or undefined. */
export function positionOf(s: EngineState, c: ContactRec): number | undefined {
  if (c.place === undefined) return undefined;
  let before = 0;
  for (const l of queueLists(s, c.queueId)) before += l.countBefore(c);
  return before + 1;
}
