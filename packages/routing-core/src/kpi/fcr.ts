import type { RoutingEvent } from '../model/event.js';

/**
 * The agent's first-contact-resolution answer an event carries, or undefined when it carries
 * none: on ContactCompleted when the agent completed the contact, on ContactOutcomeRecorded when
 * the platform ended it first and the agent answered during wrap-up. A contact gives one answer.
 * Agent performance reads FCR through it.
 */
export function firstContactAnswer(event: RoutingEvent): boolean | undefined {
  if (event.type === 'ContactCompleted' || event.type === 'ContactOutcomeRecorded') return event.resolvedFirstContact;
  return undefined;
}
