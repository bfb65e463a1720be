import type { RoutingEvent } from '@switchboard/routing-core';
import type { CustomerFact } from '@switchboard/state';

/** What an event says about an identified contact's entry in its customer's history, if anything. */
export function factOf(event: RoutingEvent, customerKey: string): CustomerFact | undefined {
  const fact = (set: CustomerFact['set']): CustomerFact => ({ customerKey, contactId: 'contactId' in event ? event.contactId : '', set });
  switch (event.type) {
    case 'OfferAccepted': return fact({ agentId: event.agentId });
    case 'ContactCompleted':
      return fact({ agentId: event.agentId, outcome: event.disposition, completedAt: event.atMs,
        ...(event.resolvedFirstContact === undefined ? {} : { resolved: event.resolvedFirstContact }) });
    case 'ContactOutcomeRecorded': return fact({ outcome: event.disposition, resolved: event.resolvedFirstContact });
    case 'ContactAbandoned': return fact({ outcome: 'abandoned' });
    case 'ContactExpired': return fact({ outcome: 'expired' });
    case 'ContactRejected': return fact({ outcome: 'rejected' });
    case 'ContactTransferred': return event.destination !== undefined && event.toQueueId === undefined ? fact({ outcome: 'transferred' }) : undefined;
    default: return undefined;
  }
}

/** The events after which a contact is gone from the router (its customer need not be remembered). */
export function endsContact(event: RoutingEvent): boolean {
  return event.type === 'WrapUpEnded' || event.type === 'ContactAbandoned' || event.type === 'ContactExpired' || event.type === 'ContactRejected'
    || (event.type === 'ContactTransferred' && event.destination !== undefined && event.toQueueId === undefined);
}
