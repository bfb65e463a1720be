import {
  DEFAULT_AT_RISK_SHARE, DEFAULT_ESCALATION_BOOST, followUpTaskId, followUpTimes, opensFollowUp,
} from '../followup/decide.js';
import { ContactState } from '../model/contact.js';
import type { ContactInput } from '../model/contact.js';
import type { RoutingOutcome } from '../model/outcome.js';
import type { QueueConfig } from '../model/queue.js';
import { TimerKind, type TimerRequest } from '../model/timer.js';
import type { FinalOutcome } from './after-outcome.js';
import { arrive, reprioritize } from './contact-commands.js';
import type { ContactRec } from './records.js';
import type { EngineState } from './state.js';

/** A task's resolution limit when its queue sets none: one day. */
export const DEFAULT_RESOLUTION_LIMIT_SECONDS = 86_400;
/** Keeps the at-risk timer's fencing token positive whatever the priority (priorities are within ±1,000 + boost). */
const TOKEN_OFFSET = 1_000_000;

/** The task queue's limit and at-risk share (its own follow-up policy, else the defaults). */
function taskTiming(config: QueueConfig | undefined): { limitSeconds: number; share: number; boost: number } {
  return {
    limitSeconds: config?.resolutionLimitSeconds ?? DEFAULT_RESOLUTION_LIMIT_SECONDS,
    share: config?.followUp?.atRiskShare ?? DEFAULT_AT_RISK_SHARE,
    boost: config?.followUp?.escalationBoost ?? DEFAULT_ESCALATION_BOOST,
  };
}

/**
 * A complaint left unresolved opens its follow-up task: a new contact on channel `task` in the
 * policy's task queue (default its own), routed like any contact, due after the task queue's
 * resolution limit; a timer wakes the engine when it is at risk. The task's id derives from the
 * complaint's, so a replayed completion opens the same task, and a second outcome none.
 */
export function openFollowUp(s: EngineState, c: ContactRec, outcome: FinalOutcome): void {
  const policy = s.queues.get(c.queueId)?.config.followUp;
  const facts = { ...(c.input.intent ? { intent: c.input.intent } : {}), disposition: outcome.disposition, isTask: c.input.channel === 'task' };
  if (policy === undefined || !opensFollowUp(policy, facts)) return;
  const id = followUpTaskId(c.id);
  if (s.contacts.has(id)) return;
  const queueId = policy.taskQueueId ?? c.queueId;
  const timing = taskTiming(s.queues.get(queueId)?.config);
  const { dueAtMs, atRiskAtMs } = followUpTimes({ atRiskShare: timing.share }, s.now, timing.limitSeconds);
  const input: ContactInput = {
    id, domain: c.input.domain, channel: 'task', queueId, basePriority: c.input.basePriority, tier: c.input.tier, intent: 'follow-up',
    ...(c.input.language ? { language: c.input.language } : {}), ...(c.input.requiredSkills ? { requiredSkills: c.input.requiredSkills } : {}),
    ...(c.input.conversationId ? { conversationId: c.input.conversationId } : {}), arrivedAtMs: s.now,
  };
  s.emit({ type: 'FollowUpTaskOpened', contactId: id, queueId, channel: 'task', arrivedAtMs: s.now, enqueuedAtMs: s.now,
    fromContactId: c.id, fromAgentId: outcome.agentId, dueAtMs, atRiskAtMs });
  const result = arrive(s, input);
  if (result.kind === 'rejected') return;
  s.timer(TimerKind.TASK_AT_RISK, atRiskAtMs, id, input.basePriority + timing.boost + TOKEN_OFFSET);
}

const UNFINISHED: ReadonlySet<string> = new Set([ContactState.QUEUED, ContactState.OFFERED, ContactState.CONNECTED]);

/**
 * TASK_AT_RISK fired: a task still unfinished (waiting, offered or in work) is escalated, once —
 * the event tells the supervisors, and its priority rises by the boost so it is served before
 * others waiting (unless a supervisor set it higher already). A task finished (wrap-up or gone)
 * is left alone.
 */
export function taskAtRisk(s: EngineState, c: ContactRec, t: TimerRequest): RoutingOutcome {
  if (c.input.channel !== 'task' || c.escalated || !UNFINISHED.has(c.state)) return { kind: 'stale' };
  c.escalated = true;
  const fromPriority = c.input.basePriority;
  const toPriority = Math.max(fromPriority, t.token - TOKEN_OFFSET);
  const timing = taskTiming(s.queues.get(c.queueId)?.config);
  s.emit({ type: 'FollowUpTaskAtRisk', ...s.contactFields(c), dueAtMs: c.arrivedAtMs + timing.limitSeconds * 1000, state: c.state,
    ...(c.agent ? { agentId: c.agent.id } : {}), fromPriority, toPriority });
  return toPriority === fromPriority ? { kind: 'applied' } : reprioritize(s, c.id, toPriority, 'AT_RISK');
}
