import type { ContactInput } from '../model/contact.js';
import { customerPolicyOf, type CustomerPolicy } from '../model/customer.js';
import type { ContactEventBase } from '../model/event.js';
import type { EngineState } from './state.js';

type ContactFields = Pick<ContactEventBase, 'contactId' | 'queueId' | 'channel' | 'arrivedAtMs' | 'enqueuedAtMs'>;

/**
 * Records the contact's customer (CustomerIdentified) and returns its preferred agent: its own,
 * else the one the customer brought when the queue's policy is SAME_AGENT. That agent then gets
 * the queue's sticky wait like any preferred agent, so "the agent holding the customer's first
 * contact" is the existing sticky machinery, not a second one.
 */
export function identify(s: EngineState, input: ContactInput, policy: CustomerPolicy | undefined, fields: ContactFields): string | undefined {
  if (input.customerKey === undefined) return input.preferredAgentId;
  const brought = customerPolicyOf(policy).policy === 'SAME_AGENT' && input.preferredAgentId === undefined
    ? input.customerPreference : undefined;
  s.emit({
    type: 'CustomerIdentified', ...fields, customerKey: input.customerKey,
    ...(brought ? { preferredAgentId: brought.agentId, preferredBecause: brought.because, viaContactId: brought.viaContactId } : {}),
  });
  return input.preferredAgentId ?? brought?.agentId;
}
