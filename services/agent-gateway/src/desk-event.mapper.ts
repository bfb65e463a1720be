import { ContactState, type ConnectResponse, type Contact, type RoutingEvent } from '@switchboard/contracts';

/** What one routing event means for a desk: messages to send and what to do with stored offers. */
export interface DeskUpdate {
  readonly messages: ConnectResponse[];
  /** The offer of this contact is no longer open on the desk. */
  readonly closesOffer?: string;
}

const stateChanged = (event: RoutingEvent, state: ContactState): ConnectResponse => ({
  contactStateChanged: { contactId: event.contactId, state, at: event.occurredAt },
});

const withdrawn = (event: RoutingEvent, token: number, reason: string): ConnectResponse => ({
  offerWithdrawn: { contactId: event.contactId, reservationToken: token, reason },
});

/**
 * Maps an event from `sb.agent.<domain>.<agentId>` to desk messages. Offers are built by the
 * caller (they need the contact's context); here: withdrawals (declined, timed out, abandoned or
 * transferred while offered) and state changes of the agent's contacts.
 */
export function deskUpdateOf(event: RoutingEvent, openOffer: boolean): DeskUpdate {
  if (event.presenceChanged?.presence) return { messages: [{ presenceChanged: event.presenceChanged.presence }] };
  if (event.declined) return { messages: [withdrawn(event, event.declined.reservationToken, `declined: ${event.declined.reason}`)], closesOffer: event.contactId };
  if (event.timedOut) return { messages: [withdrawn(event, event.timedOut.reservationToken, 'offer timed out')], closesOffer: event.contactId };
  if (event.accepted) return { messages: [stateChanged(event, ContactState.CONTACT_STATE_CONNECTED)], closesOffer: event.contactId };
  if (event.completed) return { messages: [stateChanged(event, ContactState.CONTACT_STATE_WRAP_UP)] };
  if (event.wrapUpEnded) return { messages: [stateChanged(event, ContactState.CONTACT_STATE_COMPLETED)] };
  if (event.abandoned) {
    const messages = event.abandoned.fromState === 'OFFERED' ? [withdrawn(event, 0, 'customer left')] : [];
    return { messages: [...messages, stateChanged(event, ContactState.CONTACT_STATE_ABANDONED)], closesOffer: event.contactId };
  }
  if (event.transferred) {
    const messages = openOffer ? [withdrawn(event, 0, 'transferred')] : [];
    return { messages: [...messages, stateChanged(event, ContactState.CONTACT_STATE_TRANSFERRED)], closesOffer: event.contactId };
  }
  return { messages: [] };
}

/** The Offer message of a `ContactOffered` event, given the contact's desktop view. */
export function offerOf(event: RoutingEvent, contact: Contact): ConnectResponse['offer'] {
  return {
    contact: { ...contact, state: ContactState.CONTACT_STATE_OFFERED },
    reservationToken: event.offered?.reservationToken ?? 0,
    expiresAt: event.offered?.expiresAt,
    explanation: event.offered?.explanation,
  };
}
