import { Presence } from '../model/agent.js';
import type { Channel } from '../model/channel.js';
import { ContactState } from '../model/contact.js';
import type { RoutingOutcome } from '../model/outcome.js';
import type { LimitAction, QueueConfig } from '../model/queue.js';
import { TimerKind, timerRequest, type TimerRequest } from '../model/timer.js';
import { returnConnection } from './agent-flow.js';
import { complete, endWrapUp, excludeAgent } from './contact-commands.js';
import type { AgentRec, ContactRec, QueueRec } from './records.js';
import type { EngineState } from './state.js';

/**
 * No contact without a limit: a queue that sets no maximum handle time gets its channel's. Long
 * enough for real conversations (an email may be worked on for days), finite so that capacity a
 * lost desk or a forgotten chat holds always comes back.
 */
export const DEFAULT_MAX_HANDLE_SECONDS: Readonly<Record<Channel, number>> = {
  phone: 2 * 3_600, chat: 4 * 3_600, wechat: 24 * 3_600, email: 72 * 3_600, task: 72 * 3_600,
};
/** How long a contact past its limit stays flagged (for the agent or a supervisor to act) before its policy applies. */
export const DEFAULT_HANDLE_LIMIT_GRACE_SECONDS = 300;
/** How long a phone call stays with an agent who signed out, waiting for its platform to end it. */
export const DEFAULT_ORPHANED_CALL_SECONDS = 600;
/** ContactTransferred reason of a conversation re-queued past its handle limit. */
export const HANDLE_LIMIT = 'HANDLE_LIMIT';
/** Dispositions of a conversation the router ended: past its handle time, or its agent gone. */
export const DISPOSITION_HANDLE_LIMIT = 'handle-limit';
export const DISPOSITION_AGENT_GONE = 'agent-gone';

const STALE: RoutingOutcome = { kind: 'stale' };
const APPLIED: RoutingOutcome = { kind: 'applied' };

/** The timer's connection is still open: the contact connected under the token it was set for. */
const stillConnected = (c: ContactRec, t: TimerRequest): c is ContactRec & { agent: AgentRec } =>
  c.state === ContactState.CONNECTED && c.offerToken === t.token && c.agent !== undefined;

const configOf = (s: EngineState, c: ContactRec): QueueConfig => (s.queues.get(c.queueId) as QueueRec).config;

/** The queue's maximum handle time for a contact of `channel`, seconds. */
export function maxHandleSeconds(config: QueueConfig, channel: Channel): number {
  return config.maxHandleSeconds ?? DEFAULT_MAX_HANDLE_SECONDS[channel];
}

/** What is done with a conversation past its handle limit: a call is ended, other work goes back to the queue. */
export function handleLimitAction(config: QueueConfig, channel: Channel): LimitAction {
  return config.handleLimitAction ?? (channel === 'phone' ? 'END' : 'REQUEUE');
}

/** At accept: the connection's handle-limit timer, fenced by its offer token. */
export function scheduleHandleLimit(s: EngineState, c: ContactRec, agent: AgentRec): void {
  const seconds = maxHandleSeconds(configOf(s, c), c.input.channel);
  s.timer(TimerKind.HANDLE_LIMIT, c.connectedAtMs + seconds * 1000, c.id, c.offerToken as number, agent.id);
}

/**
 * The handle-limit timer of every open connection, as accept asked for it (same deterministic
 * ids). An adapter schedules these when it opens a domain, so connections made before limits
 * existed — restored from an older checkpoint — get theirs too; scheduling one twice is harmless.
 */
export function connectionLimitTimers(s: EngineState): TimerRequest[] {
  const out: TimerRequest[] = [];
  for (const c of s.contacts.values()) {
    if (c.state !== ContactState.CONNECTED || c.agent === undefined || c.offerToken === undefined) continue;
    const dueAtMs = c.connectedAtMs + maxHandleSeconds(configOf(s, c), c.input.channel) * 1000;
    out.push(timerRequest(TimerKind.HANDLE_LIMIT, dueAtMs, c.id, c.offerToken, c.agent.id));
  }
  return out;
}

/** HANDLE_LIMIT fired: a connection still open past its queue's maximum is flagged, and acted on after the grace. */
export function handleLimitReached(s: EngineState, c: ContactRec, t: TimerRequest): RoutingOutcome {
  if (!stillConnected(c, t)) return STALE;
  const config = configOf(s, c);
  const actAtMs = s.now + (config.handleLimitGraceSeconds ?? DEFAULT_HANDLE_LIMIT_GRACE_SECONDS) * 1000;
  s.emit({
    type: 'ContactLimitReached', ...s.contactFields(c), agentId: c.agent.id, limit: 'HANDLE_TIME',
    limitSeconds: maxHandleSeconds(config, c.input.channel), action: handleLimitAction(config, c.input.channel), actAtMs,
  });
  s.timer(TimerKind.LIMIT_ACTION, actAtMs, c.id, t.token, c.agent.id);
  return APPLIED;
}

/**
 * At sign-out: a phone call stays with its agent — the line is up until its platform ends it —
 * but at most the queue's `orphanedCallSeconds`; it is flagged now and ended then.
 */
export function flagOrphanedCall(s: EngineState, c: ContactRec, agent: AgentRec): void {
  const seconds = configOf(s, c).orphanedCallSeconds ?? DEFAULT_ORPHANED_CALL_SECONDS;
  const actAtMs = s.now + seconds * 1000;
  s.emit({ type: 'ContactLimitReached', ...s.contactFields(c), agentId: agent.id, limit: 'AGENT_GONE', limitSeconds: seconds, action: 'END', actAtMs });
  s.timer(TimerKind.LIMIT_ACTION, actAtMs, c.id, c.offerToken as number, agent.id);
}

/**
 * LIMIT_ACTION fired and the connection is still open: its policy applies. REQUEUE: back to its
 * queue at its original place for another agent (this one is passed over for one offer timeout),
 * as ContactTransferred with reason HANDLE_LIMIT. END: completed for its agent (disposition
 * `handle-limit`, or `agent-gone` for a call whose agent signed out), whose own complete during
 * wrap-up still records their outcome; an agent who is gone has no wrap-up.
 */
export function limitActionDue(s: EngineState, c: ContactRec, t: TimerRequest): RoutingOutcome {
  if (!stillConnected(c, t)) return STALE;
  const agent = c.agent;
  const config = configOf(s, c);
  const gone = agent.presence === Presence.OFFLINE;
  const action = gone ? 'END' : handleLimitAction(config, c.input.channel);
  if (action === 'END') {
    complete(s, c.id, agent.id, { disposition: gone ? DISPOSITION_AGENT_GONE : DISPOSITION_HANDLE_LIMIT, endedOnChannel: true });
    if (gone && s.contacts.get(c.id)?.state === ContactState.WRAP_UP) endWrapUp(s, c);
    return APPLIED;
  }
  // Passed over first, so going back to its place never offers it to the agent who held it;
  // the agent pulls other work as it leaves (see returnConnection).
  excludeAgent(s, c, agent, t.token);
  returnConnection(s, c, agent, HANDLE_LIMIT);
  return APPLIED;
}
