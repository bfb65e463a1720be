// Draws one contact's trace: a timeline of its routing events, each decision with its explanation.
import { h } from './render.js';

const KINDS = {
  received: ['Received', 'neutral'], queued: ['Queued', 'wait'], rejected: ['Rejected', 'bad'], offered: ['Offered', 'offer'],
  accepted: ['Accepted', 'good'], declined: ['Declined', 'bad'], timedOut: ['Offer timed out', 'bad'], completed: ['Completed', 'good'],
  wrapUpEnded: ['Wrap-up ended', 'neutral'], abandoned: ['Abandoned', 'bad'], expired: ['Expired', 'bad'], overflowed: ['Overflowed', 'wait'],
  transferred: ['Transferred', 'wait'], ringWidened: ['Ring widened', 'wait'], presenceChanged: ['Presence', 'neutral'],
  outcomeRecorded: ['Outcome recorded', 'good'], limitReached: ['Past its limit', 'bad'], profileChanged: ['Profile changed', 'neutral'], reprioritized: ['Re-prioritised', 'wait'],
  qaReviewScored: ['QA scored', 'neutral'], qaReviewRequested: ['Marked for QA', 'neutral'],
  followUpOpened: ['Follow-up task opened', 'wait'], followUpAtRisk: ['Follow-up at risk', 'bad'],
  customerIdentified: ['Customer identified', 'neutral'],
  surveyOffered: ['Survey sent', 'neutral'], surveyAnswered: ['Survey answered', 'good'],
};

/** A short human label for an event kind ('timedOut' → 'Offer timed out'). */
export function kindLabel(kind) {
  return KINDS[kind]?.[0] ?? kind;
}

/** The body key of a RoutingEvent JSON (its oneof). */
export function kindOf(event) {
  return Object.keys(KINDS).find((k) => event[k] !== undefined) ?? 'unknown';
}

const time = (iso) => (iso ? new Date(iso).toISOString().slice(11, 23) : '—');
const reason = (r) => String(r).replace(/^PASS_REASON_/, '').toLowerCase().replace(/_/g, ' ');

/** The agent's FCR answer and notes, when the event carries them. */
function outcome(b) {
  const fcr = b.resolvedFirstContact === undefined ? '' : b.resolvedFirstContact ? ', resolved on first contact' : ', not resolved on first contact';
  return `${fcr}${b.notes ? ` — notes: ${b.notes}` : ''}`;
}

/** One line saying what happened, and who asked when a person did (a supervisor stepping in). */
export function summary(event) {
  return `${what(event)}${event.by ? ` [by ${event.by}]` : ''}`;
}

function what(event) {
  const b = event[kindOf(event)] ?? {};
  switch (kindOf(event)) {
    case 'queued': return `in ${event.queueId}${b.explanation?.waitingBecause ? ` — waits: ${b.explanation.waitingBecause}` : ''}`;
    case 'offered': return `to ${event.agentId} in ${event.queueId}, expires ${time(b.expiresAt)}`;
    case 'accepted': return `by ${event.agentId} after ${(b.waitSeconds ?? 0).toFixed(1)} s waiting`;
    case 'declined': return `by ${event.agentId}: ${b.reason ?? ''}`;
    case 'timedOut': return `${event.agentId} did not answer (${b.consecutiveMisses ?? 0} in a row)`;
    case 'completed': return `by ${event.agentId}, ${b.disposition ?? ''}, handled ${(b.handleSeconds ?? 0).toFixed(1)} s${outcome(b)}`;
    // proto3 JSON leaves a false answer out: here it is always given.
    case 'limitReached': return `${event.agentId} past the ${b.limit === 'AGENT_GONE' ? 'agent-gone' : 'handle-time'} limit (${(b.limitSeconds ?? 0).toFixed(0)} s): ${String(b.action ?? '').toLowerCase()} at ${time(b.actAt)}`;
    case 'reprioritized': return `priority ${b.fromPriority ?? 0} → ${b.toPriority ?? 0}${b.reason ? `: ${b.reason}` : ''}`;
    case 'profileChanged': return `${event.agentId}: ${(b.changed ?? []).join(', ')}`;
    // On a contact's timeline: the action on its agent that moved it (a sign-out sending it back).
    case 'presenceChanged': {
      const presence = String(b.presence?.presence ?? '').replace('PRESENCE_', '').toLowerCase().replace('_', '-');
      return `agent ${event.agentId} ${presence === 'offline' ? 'signed out' : presence}${b.presence?.reason ? ` (${b.presence.reason})` : ''}`;
    }
    case 'outcomeRecorded': return `by ${event.agentId}, ${b.disposition ?? ''}${outcome({ resolvedFirstContact: false, ...b })}`;
    case 'wrapUpEnded': return `${event.agentId} free after ${(b.wrapUpSeconds ?? 0).toFixed(1)} s`;
    case 'abandoned': return `after ${(b.waitSeconds ?? 0).toFixed(1)} s (${b.fromState ?? ''})`;
    case 'expired': return `after ${(b.waitSeconds ?? 0).toFixed(1)} s`;
    case 'overflowed': return `${b.fromQueueId} → ${b.toQueueId}`;
    case 'transferred': return `to ${b.toAgentId || b.toQueueId || b.destination}${b.by ? ` by ${b.by}` : ''}${b.reason ? `: ${b.reason}` : ''}`;
    case 'ringWidened': return `ring ${b.fromRing ?? 0} → ${b.ring ?? 0}${b.poolOpen ? ', VIP pool open' : ''}`;
    case 'rejected': return b.reason ?? '';
    case 'followUpOpened': return `from ${b.fromContactId} (handled by ${b.fromAgentId}), due ${time(b.dueAt)}, at risk ${time(b.atRiskAt)}`;
    case 'followUpAtRisk': return `${String(b.state ?? '').toLowerCase()}${event.agentId ? ` with ${event.agentId}` : ''}, due ${time(b.dueAt)}: escalated, priority ${b.fromPriority ?? 0} → ${b.toPriority ?? 0}`;
    case 'qaReviewRequested': return `${event.agentId} to be reviewed (${(b.reasons ?? []).map((r) => String(r).toLowerCase()).join(', ')})`;
    case 'qaReviewScored': return `${event.agentId} scored ${Number(b.score ?? 0).toFixed(0)}/100 on form ${b.formId ?? ''} by ${b.reviewer ?? ''}${b.comment ? ` — ${b.comment}` : ''}`;
    case 'customerIdentified': return `customer ${b.customerKey ?? ''}${b.preferredAgentId ? `, prefers ${b.preferredAgentId} (${String(b.preferredBecause ?? '').toLowerCase().replace(/_/g, ' ')} ${b.viaContactId ?? ''})` : ''}`;
    case 'surveyOffered': return `for ${event.agentId}'s contact, answers until ${time(b.expiresAt)}`;
    case 'surveyAnswered': return `${b.score ?? 0}/5 for ${event.agentId}${b.comment ? ` — ${b.comment}` : ''}`;
    default: return '';
  }
}

/** The decision explanation: why this agent, or why the contact waits. */
export function explanationCard(x) {
  const counts = Object.entries(x.passedOverCounts ?? {}).filter(([, n]) => n > 0);
  return h('div', { class: 'explain' },
    h('dl', { class: 'facts' },
      ...[['Trigger', x.trigger], ['Queue', x.queueId], ['Ring', x.ring ?? 0], ['Strategy', x.strategy], ['Rules', x.ruleVersion],
        ['Considered', x.candidatesConsidered ?? 0], ['Eligible', x.candidatesEligible ?? 0],
        ['Chosen', x.chosenAgentId ? `${x.chosenAgentId} (score ${Number(x.chosenScore ?? 0).toFixed(0)})` : '—']]
        .map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v ?? '—')))),
    x.waitingBecause ? h('p', { class: 'why' }, `Waiting because ${x.waitingBecause}`) : null,
    counts.length ? h('div', { class: 'chips' }, h('span', { class: 'muted' }, 'Passed over: '), counts.map(([r, n]) => h('span', { class: 'chip' }, `${reason(r)} × ${n}`))) : null,
    (x.candidates ?? []).length ? h('table', { class: 'grid compact' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Candidate'), h('th', {}, 'Eligible'), h('th', {}, 'Reason'), h('th', { class: 'num' }, 'Score'), h('th', {}, 'Detail'))),
      h('tbody', {}, x.candidates.map((c) => h('tr', { class: c.agentId === x.chosenAgentId ? 'chosen' : '' },
        h('td', { class: 'mono' }, c.agentId, c.agentId === x.chosenAgentId ? ' ✓' : ''),
        h('td', {}, c.eligible ? 'yes' : 'no'),
        h('td', {}, (c.reasons ?? []).map(reason).join(', ') || '—'),
        h('td', { class: 'num mono' }, c.eligible ? Number(c.score ?? 0).toFixed(0) : '—'),
        h('td', { class: 'muted' }, c.detail || ''))))) : null);
}

/** The whole trace: header (contact facts, trace id) and the timeline. */
export function traceView(trace, contactId) {
  const events = trace.events ?? [];
  const c = trace.contact ?? {};
  const start = Date.parse(events[0]?.occurredAt ?? c.receivedAt ?? '');
  return h('div', { class: 'trace-body', 'data-contact': contactId },
    h('div', { class: 'trace-head' },
      h('div', { class: 'mono trace-id' }, contactId),
      h('div', { class: 'chips' },
        c.channel ? h('span', { class: 'chip' }, c.channel.replace(/^CHANNEL_/, '').toLowerCase()) : null,
        c.intent ? h('span', { class: 'chip' }, `intent ${c.intent}`) : null,
        c.customer?.tier ? h('span', { class: 'chip' }, c.customer.tier.replace(/^CUSTOMER_TIER_/, '').toLowerCase()) : null,
        c.customer?.language ? h('span', { class: 'chip' }, c.customer.language) : null),
      trace.traceId ? h('div', { class: 'muted small' }, 'OpenTelemetry trace ', h('span', { class: 'mono' }, trace.traceId)) : null),
    h('ol', { class: 'timeline' }, events.map((event) => {
      const kind = kindOf(event);
      const [label, tone] = KINDS[kind] ?? [kind, 'neutral'];
      const at = Date.parse(event.occurredAt ?? '');
      const explanation = event[kind]?.explanation;
      return h('li', { class: `tl tl-${tone}`, 'data-kind': kind },
        h('div', { class: 'tl-time mono' }, time(event.occurredAt), h('span', { class: 'muted' }, Number.isFinite(start) ? ` +${((at - start) / 1000).toFixed(2)}s` : '')),
        h('div', { class: 'tl-body' }, h('strong', {}, label), ' ', h('span', {}, summary(event)), explanation ? explanationCard(explanation) : null));
    })));
}
