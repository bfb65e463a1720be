import { Attribute, Channel, Contact, ContactState } from '@switchboard/contracts';
import { deterministicContactId } from '@switchboard/ingest-kit';
import type { InboundEmail } from './mime.js';

/** How the message reached us. */
export type EmailSource = 'smtp' | 'webhook';

/** The contact id of the message with this Message-ID. */
export function emailContactId(domain: string, messageId: string): string {
  return deterministicContactId(domain, Channel.CHANNEL_EMAIL, messageId);
}

/** The conversation id of a message: the contact id of its thread's root message. */
export function emailConversationId(domain: string, email: Pick<InboundEmail, 'thread'>): string {
  return emailContactId(domain, email.thread.rootMessageId);
}

/** How to map one message. */
export interface EmailMappingOptions {
  readonly domain: string;
  readonly source: EmailSource;
  /** The SMTP envelope recipient, preferred over the To header. */
  readonly recipient?: string;
  /** The agent who last handled the conversation (a reply goes back to them when possible). */
  readonly preferredAgentId?: string;
  readonly now: Date;
}

/**
 * One email is one contact. Its conversation id is the contact id of the thread's root message
 * and its history the contact ids of the earlier messages, so the router can find who handled
 * the conversation; a reply also names the agent who last handled it as `preferredAgentId`. The
 * body and attachments are not carried.
 */
export function emailToContact(email: InboundEmail, options: EmailMappingOptions): Contact {
  const { domain } = options;
  const attributes: Attribute[] = [{ key: 'email.source', value: options.source }];
  if (email.thread.isReply) attributes.push({ key: 'email.isReply', value: 'true' });
  return Contact.fromPartial({
    id: emailContactId(domain, email.messageId),
    channel: Channel.CHANNEL_EMAIL,
    domain,
    customer: { emailAddress: email.fromAddress, displayName: email.fromName, language: email.language },
    requirements: { language: email.language },
    conversationId: emailConversationId(domain, email),
    preferredAgentId: options.preferredAgentId ?? '',
    historyContactIds: email.thread.earlierMessageIds.map((id) => emailContactId(domain, id)),
    channelIds: { messageId: email.messageId, toAddress: options.recipient || email.toAddress },
    attributes,
    state: ContactState.CONTACT_STATE_RECEIVED,
    receivedAt: options.now,
    summary: (email.subject || email.snippet).slice(0, 200),
    attachments: email.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, sizeBytes: a.size })),
  });
}
