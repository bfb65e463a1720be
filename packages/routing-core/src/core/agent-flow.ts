import { Presence } from '../model/agent.js';
import type { AgentProfile } from '../model/agent.js';
import { ContactState } from '../model/contact.js';
import { DecisionTrigger } from '../model/explanation.js';
import { emptyLoad } from '../rules/capacity.js';
import { advance, backToPlace, offer, requeue } from './contact-flow.js';
import { endWrapUp } from './contact-commands.js';
import { flagOrphanedCall } from './limits.js';
import { joinAllGroups, leaveAllGroups, refreshAgent, unplaceContact } from './indexes.js';
import { bestContactFor } from './matching.js';
import type { AgentRec, ContactRec } from './records.js';
import type { EngineState } from './state.js';

/** Agent-side transitions: presence, sign-in/out, freeing capacity and pulling work. */

/** Safety bound on offers in one pull; real bound is the agent's total capacity. */
const MAX_PULL = 64;

/** While the agent is available with free capacity and eligible work waits, offer it the best contact. */
export function pullWork(s: EngineState, agent: AgentRec, trigger: DecisionTrigger = DecisionTrigger.AGENT_FREED): void {
  for (let i = 0; i < MAX_PULL && agent.presence === Presence.AVAILABLE; i++) {
    const choice = bestContactFor(s, agent);
    const group = choice?.contact.group;
    const entry = group === undefined ? undefined : agent.memberships.get(group)?.entry;
    if (choice === undefined || entry === undefined) return;
    offer(s, choice.contact, entry, trigger, choice.alternatives);
  }
}

/** Returns a contact's slot to the agent; the agent is idle again once it holds nothing. */
export function releaseSlot(s: EngineState, agent: AgentRec, c: ContactRec): void {
  agent.load[c.input.channel] -= 1;
  agent.contacts.delete(c);
  if (agent.contacts.size === 0) agent.idleSinceMs = s.now;
  refreshAgent(agent);
  forgetIfGone(s, agent);
}

/**
 * A signed-out agent that holds no more work is forgotten: the engine's agents are the signed-in
 * ones plus those still finishing work, never everyone who ever signed in. Signing in again starts
 * afresh (idle from then, no round-robin history).
 */
function forgetIfGone(s: EngineState, agent: AgentRec): void {
  if (agent.presence === Presence.OFFLINE && agent.contacts.size === 0) s.agents.delete(agent.id);
}

/** Changes presence with an event; no-op when nothing changes. */
export function setPresence(s: EngineState, agent: AgentRec, to: Presence, reason?: string): void {
  if (agent.presence === to && agent.awayReason === reason) return;
  const from = agent.presence;
  agent.presence = to;
  agent.awayReason = to === Presence.AWAY ? reason : undefined;
  if (to === Presence.AVAILABLE) {
    agent.misses = 0;
    if (agent.contacts.size === 0) agent.idleSinceMs = s.now;
  }
  s.emit({ type: 'AgentPresenceChanged', agentId: agent.id, from, to, ...(reason === undefined ? {} : { reason }) });
  refreshAgent(agent);
}

function register(s: EngineState, agent: AgentRec): void {
  for (const q of agent.profile.queues) {
    let set = s.servers.get(q.queueId);
    if (set === undefined) s.servers.set(q.queueId, (set = new Set()));
    set.add(agent);
  }
}

function unregister(s: EngineState, agent: AgentRec): void {
  for (const q of agent.profile.queues) s.servers.get(q.queueId)?.delete(agent);
}

/** Contacts waiting for this agent alone fall back to (or are re-checked against) their queues. */
function reconsiderSticky(s: EngineState, agent: AgentRec): void {
  const waiting = [...agent.sticky.values()].flatMap((list) => [...list]).sort((a, b) => a.arrivalSeq - b.arrivalSeq);
  agent.sticky.clear();
  for (const c of waiting) {
    unplaceContact(c);
    advance(s, c, DecisionTrigger.ELIGIBILITY_WIDENED);
  }
}

const PROFILE_PARTS = ['skills', 'languages', 'team', 'capacity', 'allowBlendWithPhone', 'queues'] as const;

/** The parts of a profile that differ (compared as data: order of skills in the map does not matter). */
function profileChanges(before: AgentProfile, after: AgentProfile): string[] {
  const canonical = (v: unknown) => JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x);
  return PROFILE_PARTS.filter((part) => canonical(before[part] ?? null) !== canonical(after[part] ?? null));
}

/** Signs an agent in, or updates the profile of a signed-in agent (re-indexing it). */
export function signIn(s: EngineState, profile: AgentProfile): void {
  let agent = s.agents.get(profile.id);
  if (agent !== undefined && agent.presence !== Presence.OFFLINE) {
    const changed = profileChanges(agent.profile, profile);
    leaveAllGroups(s, agent);
    unregister(s, agent);
    agent.profile = profile;
    if (changed.length > 0) s.emit({ type: 'AgentProfileChanged', agentId: agent.id, changed });
  } else if (agent === undefined) {
    agent = {
      id: profile.id, profile, presence: Presence.OFFLINE, awayReason: undefined, idleSinceMs: s.now, load: emptyLoad(),
      misses: 0, contacts: new Set(), lastOffer: new Map(), memberships: new Map(), sticky: new Map(),
    };
    s.agents.set(profile.id, agent);
  } else {
    agent.profile = profile;
  }
  register(s, agent);
  joinAllGroups(s, agent);
  if (agent.presence === Presence.OFFLINE) setPresence(s, agent, Presence.AVAILABLE);
  reconsiderSticky(s, agent);
  pullWork(s, agent);
}

/** Signs an agent out: live offers go back to their queues; connections stay until completed. */
export function signOut(s: EngineState, agent: AgentRec): void {
  if (agent.presence === Presence.OFFLINE) return;
  setPresence(s, agent, Presence.OFFLINE);
  leaveAllGroups(s, agent);
  unregister(s, agent);
  // Requeue in arrival order so an earlier contact gets the first chance at other agents.
  const held = [...agent.contacts].sort((a, b) => a.arrivalSeq - b.arrivalSeq);
  for (const c of held.filter((x) => x.state === ContactState.OFFERED)) {
    s.emit({ type: 'OfferDeclined', ...s.contactFields(c), agentId: agent.id, offerToken: c.offerToken ?? 0, reason: SIGNED_OUT });
    releaseSlot(s, agent, c);
    requeue(s, c);
  }
  reclaimWork(s, agent, held);
  reconsiderSticky(s, agent);
  forgetIfGone(s, agent);
}

/**
 * Takes a connected contact from its agent back to its queue at its original place (its order
 * key is unchanged), as ContactTransferred from the agent with `reason`. The agent, if still
 * available, pulls first (as after a transfer): a contact past its overflow enters another queue
 * on its return, with its exclusions cleared, and must not be handed back to this agent ahead of
 * the better work already waiting for it.
 */
export function returnConnection(s: EngineState, c: ContactRec, agent: AgentRec, reason: string): void {
  s.emit({ type: 'ContactTransferred', ...s.contactFields(c), fromAgentId: agent.id, toQueueId: c.queueId, reason });
  releaseSlot(s, agent, c);
  c.connectedAtMs = 0;
  pullWork(s, agent);
  backToPlace(s, c);
}

/** Why work left an agent who signed out (offer declined, conversation reclaimed). */
export const SIGNED_OUT = 'AGENT_SIGNED_OUT';

/**
 * Work a signed-out agent still held goes where it can be finished, so no capacity is held by
 * someone who is gone. A conversation on an asynchronous channel (chat, WeChat, email) goes back
 * to its queue at its original place (its order key is unchanged) for the next agent: the grace
 * in which the same agent may come back is the sign-out's own (the gateway signs a lost desktop
 * out only after its session lapsed). Wrap-up ends. A phone call stays with the agent: the line
 * is still up until its platform ends it (see ContactUpdate ENDED in the router), but at most the
 * queue's `orphanedCallSeconds` (flagged now as ContactLimitReached AGENT_GONE, ended then).
 */
function reclaimWork(s: EngineState, agent: AgentRec, held: readonly ContactRec[]): void {
  for (const c of held) {
    if (c.state === ContactState.WRAP_UP) {
      endWrapUp(s, c);
    } else if (c.state === ContactState.CONNECTED && c.input.channel !== 'phone') {
      returnConnection(s, c, agent, SIGNED_OUT);
    } else if (c.state === ContactState.CONNECTED) {
      flagOrphanedCall(s, c, agent);
    }
  }
}
