import { Contact, CustomerContact } from '@switchboard/contracts';
import type { ContactInput } from '@switchboard/routing-core';
import type { RecentContact, ResolvedCustomer } from '@switchboard/state';
import { protoChannel } from '../mapping/contact.mapper.js';
import type { LiveView } from '../worker/domain-worker.js';
import { preferenceOf, withLiveAgents } from './preference.js';

/**
 * The arrival with its customer: the key and the preferred agent the customer brings go to the
 * engine; the customer's recent contacts (newest first) go into the context the desk is offered.
 */
export function withCustomer(input: ContactInput, context: Record<string, unknown>, customer: ResolvedCustomer | undefined, live: LiveView, nowMs: number):
  { input: ContactInput; context: Record<string, unknown> } {
  if (customer === undefined) return { input, context };
  const lookup = (id: string) => live.contact(id);
  const preference = preferenceOf(input.id, customer.recent, lookup, live.queue(input.queueId)?.customer, nowMs);
  const recent = withLiveAgents(customer.recent, lookup).reverse();
  return {
    input: { ...input, customerKey: customer.customerKey, ...(preference ? { customerPreference: preference } : {}) },
    context: { ...context, ...Contact.toJSON(Contact.fromPartial({ customerKey: customer.customerKey, customerContacts: recent.map(toProto) })) as Record<string, unknown> },
  };
}

function toProto(r: RecentContact): CustomerContact {
  return CustomerContact.fromPartial({
    contactId: r.id, channel: protoChannel(r.channel as never), queueId: r.queueId, arrivedAt: new Date(r.at), agentId: r.agentId ?? '',
    outcome: r.outcome ?? '', ...(r.resolved === undefined ? {} : { resolvedFirstContact: r.resolved }),
    ...(r.completedAt === undefined ? {} : { completedAt: new Date(r.completedAt) }),
  });
}
