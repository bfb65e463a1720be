import { table } from './format.js';

/** A RoutingEvent as the ops API renders it (proto JSON; absent fields are defaults). */
type EventJson = Record<string, unknown> & { occurredAt?: string; contactId?: string; agentId?: string; queueId?: string };
interface ExplanationJson {
  trigger?: string; queueId?: string; ring?: number; strategy?: string; ruleVersion?: string; chosenAgentId?: string; chosenScore?: number;
  candidatesConsidered?: number; candidatesEligible?: number; waitingBecause?: string; passedOverCounts?: Record<string, number>;
  candidates?: { agentId: string; eligible?: boolean; reasons?: string[]; score?: number; detail?: string }[];
}
/** A contact trace as `GET /api/contacts/:id/trace` answers it. */
export interface TraceJson {
  contact?: { id?: string; channel?: string; intent?: string; queueId?: string; customer?: { tier?: string; language?: string } };
  events?: EventJson[];
  traceId?: string;
}

const BODIES = ['received', 'queued', 'rejected', 'offered', 'accepted', 'declined', 'timedOut', 'completed', 'wrapUpEnded', 'abandoned',
  'expired', 'overflowed', 'transferred', 'ringWidened', 'outcomeRecorded', 'limitReached', 'reprioritized',
  'presenceChanged', 'profileChanged', 'customerIdentified'] as const;

/** The agent's FCR answer and notes, when the event carries them. */
function outcome(b: Record<string, unknown>): string {
  const fcr = b.resolvedFirstContact === undefined ? '' : b.resolvedFirstContact ? ', resolved on first contact' : ', not resolved on first contact';
  return `${fcr}${b.notes ? ` — notes: ${String(b.notes)}` : ''}`;
}

/** `offline (signed out)`, `away`, `available`… */
function presenceText(b: Record<string, unknown>): string {
  const presence = String((b.presence as { presence?: string } | undefined)?.presence ?? '').replace('PRESENCE_', '').toLowerCase().replace('_', '-');
  return presence === 'offline' ? 'offline (signed out)' : presence;
}

function what(e: EventJson): { kind: string; text: string; explanation?: ExplanationJson } {
  const kind = BODIES.find((k) => e[k] !== undefined) ?? 'unknown';
  const b = (e[kind] ?? {}) as Record<string, unknown>;
  const n = (k: string) => Number(b[k] ?? 0).toFixed(1);
  const text: Record<string, string> = {
    queued: `in ${e.queueId}`,
    offered: `to ${e.agentId} in ${e.queueId}`,
    accepted: `by ${e.agentId} after ${n('waitSeconds')}s waiting`,
    declined: `by ${e.agentId}: ${String(b.reason ?? '')}`,
    timedOut: `${e.agentId} did not answer`,
    completed: `by ${e.agentId} (${String(b.disposition ?? '')}), handled ${n('handleSeconds')}s${outcome(b)}`,
    // proto3 JSON leaves a false answer out: here it is always given.
    presenceChanged: `${e.agentId} ${presenceText(b)}${
      (b.presence as { reason?: string } | undefined)?.reason ? ` (${String((b.presence as { reason?: string }).reason)})` : ''}`,
    profileChanged: `${e.agentId}: ${((b.changed as string[] | undefined) ?? []).join(', ')}`,
    reprioritized: `priority ${Number(b.fromPriority ?? 0)} → ${Number(b.toPriority ?? 0)}${b.reason ? `: ${String(b.reason)}` : ''}`,
    limitReached: `${e.agentId} past its ${b.limit === 'AGENT_GONE' ? 'agent-gone' : 'handle-time'} limit of ${n('limitSeconds')}s: ${String(b.action ?? '').toLowerCase()} at ${String(b.actAt ?? '')}`,
    outcomeRecorded: `by ${e.agentId} (${String(b.disposition ?? '')})${outcome({ resolvedFirstContact: false, ...b })}`,
    transferred: `to ${String(b.toAgentId || b.toQueueId || b.destination || '')}${b.by ? ` by ${String(b.by)}` : ''}${b.reason ? `: ${String(b.reason)}` : ''}`,
    wrapUpEnded: `${e.agentId} free after ${n('wrapUpSeconds')}s wrap-up`,
    customerIdentified: `customer ${String(b.customerKey ?? '')}${b.preferredAgentId ? `, prefers ${String(b.preferredAgentId)} (${String(b.preferredBecause ?? '').toLowerCase().replaceAll('_', ' ')} ${String(b.viaContactId ?? '')})` : ''}`,
    abandoned: `after ${n('waitSeconds')}s`,
    expired: `after ${n('waitSeconds')}s`,
    overflowed: `${String(b.fromQueueId)} → ${String(b.toQueueId)}`,
    ringWidened: `ring ${Number(b.fromRing ?? 0)} → ${Number(b.ring ?? 0)}`,
    rejected: String(b.reason ?? ''),
  };
  return { kind, text: text[kind] ?? '', ...(b.explanation ? { explanation: b.explanation as ExplanationJson } : {}) };
}

function explain(x: ExplanationJson): string[] {
  const lines = [
    `    why: trigger ${x.trigger || '—'} · queue ${x.queueId} · ring ${x.ring ?? 0} · strategy ${x.strategy || '—'} · rules ${x.ruleVersion || '—'}`,
    `         ${x.candidatesConsidered ?? 0} considered, ${x.candidatesEligible ?? 0} eligible` +
      (x.chosenAgentId ? ` → chose ${x.chosenAgentId} (score ${Number(x.chosenScore ?? 0).toFixed(0)})` : ''),
  ];
  if (x.waitingBecause) lines.push(`         waiting because ${x.waitingBecause}`);
  const passed = Object.entries(x.passedOverCounts ?? {}).filter(([, v]) => v > 0);
  if (passed.length) lines.push(`         passed over: ${passed.map(([r, v]) => `${r.toLowerCase()} × ${v}`).join(', ')}`);
  if (x.candidates?.length) {
    const rows = x.candidates.map((c) => [`${c.agentId}${c.agentId === x.chosenAgentId ? ' ✓' : ''}`, c.eligible ? 'yes' : 'no',
      (c.reasons ?? []).map((r) => r.replace(/^PASS_REASON_/, '').toLowerCase()).join(', ') || '—', c.eligible ? Number(c.score ?? 0).toFixed(0) : '—', c.detail ?? '']);
    lines.push(...table(['candidate', 'eligible', 'reason', 'score', 'detail'], rows).split('\n').map((l) => `         ${l}`));
  }
  return lines;
}

/** What supervisors did concerning an agent, for the terminal: one line per event, who did it. */
export function formatAgentActions(agentId: string, events: readonly EventJson[]): string {
  const out = [`agent ${agentId}: what supervisors did (the record's \`by\`)`, ''];
  for (const e of events) {
    const { kind, text } = what(e);
    const where = e.contactId ? ` ${String(e.contactId)}` : '';
    out.push(`  ${(e.occurredAt ?? '').slice(0, 23).replace('T', ' ')}  ${kind.padEnd(15)}${where} ${text}  [by ${String(e['by'] ?? '')}]`);
  }
  if (events.length === 0) out.push('  (nothing on record within the trace retention)');
  return out.join('\n');
}

/** The contact's timeline for the terminal: one line per event, each decision with its explanation. */
export function formatTrace(contactId: string, trace: TraceJson): string {
  const events = trace.events ?? [];
  const c = trace.contact ?? {};
  const start = Date.parse(events[0]?.occurredAt ?? '');
  const facts = [c.channel?.replace('CHANNEL_', '').toLowerCase(), c.intent && `intent ${c.intent}`, c.customer?.tier?.replace('CUSTOMER_TIER_', '').toLowerCase(), c.customer?.language].filter(Boolean);
  const out = [`contact ${contactId}${facts.length ? `  (${facts.join(', ')})` : ''}`];
  if (trace.traceId) out.push(`trace   ${trace.traceId}`);
  out.push('');
  for (const e of events) {
    const at = Date.parse(e.occurredAt ?? '');
    const { kind, text: said, explanation } = what(e);
    // An action on the agent that moved this contact (a sign-out sending it back to its queue).
    const text = e.contactId ? said : `agent ${said}`;
    const offset = Number.isFinite(start) && Number.isFinite(at) ? `+${((at - start) / 1000).toFixed(3)}s` : '';
    // Who asked, when a person did (a supervisor stepping in): the record's `by`.
    const by = typeof e['by'] === 'string' && e['by'] !== '' ? `  [by ${e['by']}]` : '';
    out.push(`  ${(e.occurredAt ?? '').slice(11, 23)} ${offset.padStart(9)}  ${kind.padEnd(12)} ${text}${by}`);
    if (explanation) out.push(...explain(explanation));
  }
  if (events.length === 0) out.push('  (no routing events yet: the router has not taken this contact)');
  return out.join('\n');
}
