import { Contact } from '@switchboard/contracts';

/**
 * The contact as ops keeps and shows it: routing facts (channel, intent, tier, language,
 * priority, requirements, attributes, times) without customer identifiers (customer id, name,
 * phone number, email address, channel ids, summary). Supervisors see why a contact was routed,
 * not who the customer is; the customer's record stays in the systems that own it.
 */
export function redactContact(contact: Contact): Contact {
  const customer = contact.customer;
  return Contact.fromPartial({
    ...contact,
    customer: customer ? { tier: customer.tier, language: customer.language, segment: customer.segment } : undefined,
    channelIds: undefined,
    summary: '',
  });
}
