import type { Contact } from '@switchboard/contracts';
import { IDENTIFIER_KINDS, type CustomerIdentifier, type IdentifierKind } from '@switchboard/state';
import { E164 } from '@switchboard/routing-core';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** The attribute a WeChat adapter (or a platform) puts the customer's unionid in, when it knows it. */
export const UNIONID_ATTRIBUTE = 'wechat.unionid';

/** A linking rule name that is not an identifier kind. */
export class LinkRulesError extends Error {
  override readonly name = 'LinkRulesError';
}

/**
 * The linking rules: which identifier kinds make two contacts one customer (`same phone number`,
 * `same email`, `same unionid`...). From `CUSTOMER_LINK_RULES` (comma-separated kinds); default all.
 * @throws LinkRulesError for an unknown kind.
 */
export function linkRulesOf(value: string | undefined): ReadonlySet<IdentifierKind> {
  if (value === undefined || value.trim() === '') return new Set(IDENTIFIER_KINDS);
  const kinds = value.split(',').map((k) => k.trim()).filter((k) => k !== '');
  for (const k of kinds) {
    if (!(IDENTIFIER_KINDS as readonly string[]).includes(k)) {
      throw new LinkRulesError(`CUSTOMER_LINK_RULES: unknown identifier kind "${k}" (known: ${IDENTIFIER_KINDS.join(', ')})`);
    }
  }
  return new Set(kinds as IdentifierKind[]);
}

/**
 * What the contact's channel knows the customer by, of the kinds the rules link on: the E.164
 * number, the email address, the WeChat openid / external_userid, the unionid, a chat visitor's
 * verified id (the chat session's signed identity, `chat.identified`). An unverified chat form's
 * email counts as an email only if the rules link on email.
 */
export function identifiersOf(contact: Contact, rules: ReadonlySet<IdentifierKind>): CustomerIdentifier[] {
  const out: CustomerIdentifier[] = [];
  const add = (kind: IdentifierKind, value: string | undefined) => {
    if (value && rules.has(kind)) out.push({ kind, value });
  };
  const phone = contact.customer?.phoneNumber;
  add('phone', phone && E164.test(phone) ? phone : undefined);
  const email = contact.customer?.emailAddress;
  add('email', email && EMAIL.test(email) ? email : undefined);
  add('wechat', contact.channelIds?.wechatOpenid);
  add('unionid', contact.attributes.find((a) => a.key === UNIONID_ATTRIBUTE)?.value);
  const verified = contact.attributes.some((a) => a.key === 'chat.identified' && a.value === 'true');
  add('chat', verified ? contact.customer?.id : undefined);
  return out;
}
