import type { RoutingEvent } from '@switchboard/contracts';

/** An agent's capacity per channel as it signed in (channel name → concurrent contacts). */
export type CapacityByAgent = ReadonlyMap<string, Readonly<Record<string, number>>>;

export interface AuditInput {
  /** Contact ids accepted at ingest (on CONTACTS), in arrival order. */
  readonly accepted: readonly string[];
  /** Routing events in stream order. */
  readonly events: readonly RoutingEvent[];
  readonly capacity: CapacityByAgent;
  /** When true, an accepted contact that has not reached a final state counts as lost. */
  readonly expectAllFinished?: boolean;
  /**
   * Set when ROUTING no longer holds its whole history (it dropped its oldest messages by size or
   * age): the stream time, in ms, of the first message it still holds. See {@link AuditReport.historyTruncated}.
   */
  readonly recordStartMs?: number;
  /** When each accepted contact was stored on CONTACTS (stream time, ms); read with `recordStartMs`. */
  readonly acceptedAtMs?: ReadonlyMap<string, number>;
  /** When the audit looks (ms): a limit's action due before it and not taken is overdue. Default: the last event's time. */
  readonly nowMs?: number;
}

export type FindingKind = 'CONTACT_LOST' | 'DOUBLE_ASSIGNMENT' | 'AGENT_OVER_CAPACITY' | 'ORDER_VIOLATION' | 'PAST_LIMIT';

export interface Finding {
  readonly kind: FindingKind;
  readonly contactId?: string;
  readonly agentId?: string;
  readonly detail: string;
}

export interface AuditReport {
  readonly accepted: number;
  readonly finished: number;
  readonly open: number;
  readonly lost: number;
  readonly doubleAssigned: number;
  readonly overCapacity: number;
  readonly orderViolations: number;
  /**
   * Contacts still open past a limit (flagged by ContactLimitReached, not ended or re-queued
   * since): stuck work, or work about to be handled by its policy — the finding says which.
   */
  readonly pastLimit: number;
  /**
   * Accepted contacts with no event left on a truncated record that came to CONTACTS before the
   * record's first message: their whole history was dropped with the oldest records, so whether
   * they were served cannot be told. They are counted here, neither lost nor open.
   */
  readonly historyTruncated: number;
  readonly findings: readonly Finding[];
}

const CHANNEL_NAMES: Record<number, string> = { 1: 'phone', 2: 'email', 3: 'chat', 4: 'wechat', 5: 'task' };

interface Holding { agentId: string; channel: string }

/** A contact's place in its queue, as the record tells it. */
interface Waiting { queueId: string; priority: number; arrivedAt: number; refusedBy: Set<string> }

/**
 * Replays the routing record and checks the promises Switchboard makes: no contact lost, one live
 * assignment per contact, no agent over capacity, first-come-first-served among equals, and no
 * contact left open past its limit (ContactLimitReached with no end or re-queue since).
 *
 * The record may be truncated (`recordStartMs`): ROUTING drops a prefix of its history, so once
 * any event of a contact is on record, every later one is too, and a contact with events but no
 * end is judged as on a whole record. Only contacts with no event left and an earlier arrival are
 * set apart ({@link AuditReport.historyTruncated}). An offer to an agent whose sign-in is no longer
 * on a truncated record is not judged for capacity; contacts whose entry to the queue was dropped
 * are not judged for order (neither can be told, and neither is reported as a finding).
 */
export function audit(input: AuditInput): AuditReport {
  const findings: Finding[] = [];
  const holding = new Map<string, Holding>(); // contact → the agent holding it (offer, connection, wrap-up)
  const load = new Map<string, Map<string, number>>(); // agent → channel → contacts held
  const finished = new Set<string>();
  const meta = new Map<string, Waiting>();
  const seen = new Set<string>();
  const waiting = new Map<string, Waiting>();
  const flagged = new Map<string, RoutingEvent>(); // contact → its ContactLimitReached, while still open
  let lastMs = 0;

  const release = (contactId: string) => {
    const held = holding.get(contactId);
    if (!held) return;
    holding.delete(contactId);
    const byChannel = load.get(held.agentId)!;
    byChannel.set(held.channel, (byChannel.get(held.channel) ?? 1) - 1);
  };

  for (const e of input.events) {
    if (e.contactId) seen.add(e.contactId);
    lastMs = Math.max(lastMs, e.occurredAt?.getTime() ?? 0);
    if (e.limitReached) flagged.set(e.contactId, e);
    else if (e.wrapUpEnded || e.abandoned || e.expired || e.rejected || e.transferred || e.completed) flagged.delete(e.contactId);
    if (e.queued) {
      meta.set(e.contactId, { queueId: e.queueId, priority: e.queued.effectivePriority, arrivedAt: e.arrivedAt?.getTime() ?? 0, refusedBy: new Set() });
      waiting.set(e.contactId, meta.get(e.contactId)!);
    } else if (e.offered) {
      const previous = holding.get(e.contactId);
      if (previous) findings.push({ kind: 'DOUBLE_ASSIGNMENT', contactId: e.contactId, agentId: e.agentId, detail: `offered to ${e.agentId} while held by ${previous.agentId}` });
      checkOrder(e, waiting, findings);
      waiting.delete(e.contactId);
      const channel = CHANNEL_NAMES[e.channel] ?? 'unknown';
      holding.set(e.contactId, { agentId: e.agentId, channel });
      const byChannel = load.get(e.agentId) ?? new Map<string, number>();
      load.set(e.agentId, byChannel);
      const used = (byChannel.get(channel) ?? 0) + 1;
      byChannel.set(channel, used);
      // A channel the agent signed in without has capacity 0, and an agent with no sign-in on
      // record has none at all: an offer there is over capacity, not unknowable.
      const profile = input.capacity.get(e.agentId);
      const cap = profile?.[channel] ?? 0;
      if (used > cap && (profile || input.recordStartMs === undefined)) {
        const detail = profile ? `${used} ${channel} contacts, capacity ${cap}` : `${used} ${channel} contacts, no sign-in on record`;
        findings.push({ kind: 'AGENT_OVER_CAPACITY', agentId: e.agentId, contactId: e.contactId, detail });
      }
    } else if (e.declined || e.timedOut) {
      release(e.contactId);
      const known = meta.get(e.contactId);
      if (known) {
        known.refusedBy.add(e.agentId);
        waiting.set(e.contactId, known);
      }
    } else if (e.wrapUpEnded || e.abandoned || e.expired || e.rejected) {
      release(e.contactId);
      waiting.delete(e.contactId);
      finished.add(e.contactId);
    } else if (e.transferred) {
      release(e.contactId);
      if (e.transferred.destination) finished.add(e.contactId);
    }
  }
  for (const [contactId, e] of flagged) findings.push(pastLimit(contactId, e, input.nowMs ?? lastMs));
  const truncated = new Set<string>();
  for (const id of input.accepted) {
    if (!seen.has(id) && historyDropped(input, id)) truncated.add(id);
    else if (!seen.has(id)) findings.push({ kind: 'CONTACT_LOST', contactId: id, detail: 'accepted at ingest, never routed' });
    else if (input.expectAllFinished && !finished.has(id)) findings.push({ kind: 'CONTACT_LOST', contactId: id, detail: 'accepted at ingest, never finished' });
  }
  const count = (kind: FindingKind) => findings.filter((f) => f.kind === kind).length;
  const accepted = new Set(input.accepted);
  return {
    accepted: accepted.size,
    finished: [...finished].filter((id) => accepted.has(id)).length,
    open: [...accepted].filter((id) => seen.has(id) && !finished.has(id)).length,
    lost: count('CONTACT_LOST'),
    doubleAssigned: count('DOUBLE_ASSIGNMENT'),
    overCapacity: count('AGENT_OVER_CAPACITY'),
    orderViolations: count('ORDER_VIOLATION'),
    pastLimit: count('PAST_LIMIT'),
    historyTruncated: truncated.size,
    findings,
  };
}

/** A contact open past its limit; overdue when its action should have been taken a minute ago or more. */
function pastLimit(contactId: string, e: RoutingEvent, nowMs: number): Finding {
  const l = e.limitReached!;
  const actAtMs = l.actAt?.getTime() ?? 0;
  const overdueS = Math.floor((nowMs - actAtMs) / 1000);
  const detail = `past its ${l.limit} limit of ${l.limitSeconds} s with ${e.agentId}; ${l.action} ${overdueS >= 60 ? `overdue by ${overdueS} s` : `due at ${new Date(actAtMs).toISOString()}`}`;
  return { kind: 'PAST_LIMIT', contactId, agentId: e.agentId, detail };
}

/**
 * Whether a contact with no event on record may have had them all dropped: the record is
 * truncated and the contact reached CONTACTS before its first message (both stream times; a
 * contact with no known arrival is given the benefit of the doubt).
 */
function historyDropped(input: AuditInput, contactId: string): boolean {
  if (input.recordStartMs === undefined) return false;
  return (input.acceptedAtMs?.get(contactId) ?? Number.NEGATIVE_INFINITY) < input.recordStartMs;
}

/**
 * An offer breaks first-come-first-served when a contact of the same queue and priority that
 * *arrived* earlier was waiting in that queue (its ContactQueued is in the record and it was not
 * taken since), and the chosen agent had not refused it. Only queues without per-contact
 * requirements can be judged this way; the report calls them violations of equal contacts.
 *
 * "Come" is the contact's arrival (`arrivedAt`: when ingestion received it, never later than the
 * router's clock), not when the router queued it (`enqueuedAt`): the core orders a queue by
 * arrival and keeps that order across everything that delays queueing. A contact whose CONTACTS
 * message is redelivered after its first router died (kill -9 before the commit), or whose
 * publish an ingestion service retried across a NATS outage, is queued seconds after younger
 * contacts, and is rightly served before them. Judged by `enqueuedAt` those offers looked like
 * violations. The other way round, a younger contact served while an older one was still in
 * JetStream (not yet delivered to any router, so not queued) is no violation either: nothing can
 * be ahead in a queue before it is in it, which is why only contacts already queued in the record
 * are compared. Ties in `arrivedAt` go to the core's arrival sequence, so only a strictly earlier
 * arrival counts.
 */
function checkOrder(e: RoutingEvent, waiting: ReadonlyMap<string, Waiting>, findings: Finding[]): void {
  const me = waiting.get(e.contactId);
  if (!me) return;
  for (const [id, other] of waiting) {
    if (id === e.contactId || other.queueId !== me.queueId || other.priority !== me.priority) continue;
    if (other.arrivedAt < me.arrivedAt && !other.refusedBy.has(e.agentId)) {
      findings.push({ kind: 'ORDER_VIOLATION', contactId: e.contactId, agentId: e.agentId, detail: `${id} arrived earlier in ${me.queueId} at equal priority` });
      return;
    }
  }
}
