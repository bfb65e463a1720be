import type { Context } from '@opentelemetry/api';
import type { RoutingEvent } from '@switchboard/contracts';

/** Contacts whose trace context a gateway keeps at most (the least recently heard of are forgotten first). */
export const MAX_TRACED_CONTACTS = 20_000;

/**
 * Whether this gateway should forget the contact's trace context after `event`. The gateway hears
 * only events that name an agent, so it never hears a contact expire, be rejected or be abandoned
 * while queued: it forgets at the end of every hold instead (wrap-up end, abandoned with an
 * agent, declined, missed, transferred). A later offer brings the context again.
 */
export function endsContact(event: RoutingEvent): boolean {
  return event.wrapUpEnded !== undefined || event.abandoned !== undefined || event.expired !== undefined || event.rejected !== undefined
    || event.declined !== undefined || event.timedOut !== undefined || event.transferred !== undefined;
}

/**
 * Each live contact's trace context, from the router's notifications, so a desk's accept, decline
 * or complete continues the contact's trace. An entry goes when the contact's hold by an agent
 * ends (see {@link endsContact}); the cap is the backstop for endings this replica never heard (a NATS reconnect gap, a restart of
 * the router's relay), so the map holds live contacts, never history.
 */
export class ContactTraces {
  private readonly byContact = new Map<string, Context>();

  constructor(private readonly max = MAX_TRACED_CONTACTS) {}

  /** The trace context of a contact, if this gateway heard of it. */
  get(contactId: string): Context | undefined {
    return this.byContact.get(contactId);
  }

  /** Folds in one event: forgets an ended contact, else remembers the context it came with. */
  heard(event: RoutingEvent, ctx: Context | undefined): void {
    if (!event.contactId) return;
    if (endsContact(event)) {
      this.byContact.delete(event.contactId);
      return;
    }
    if (ctx === undefined) return;
    this.byContact.delete(event.contactId);
    this.byContact.set(event.contactId, ctx);
    if (this.byContact.size > this.max) this.byContact.delete(this.byContact.keys().next().value!);
  }

  /** How many contacts are held (tests, metrics). */
  get size(): number {
    return this.byContact.size;
  }
}
