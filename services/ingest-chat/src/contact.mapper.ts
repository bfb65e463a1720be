import { Channel, Contact, ContactState, ContactUpdate, ContactUpdateKind } from '@switchboard/contracts';
import { deterministicContactId } from '@switchboard/ingest-kit';
import type { ChatSession } from './session-store.js';

const SUMMARY_LENGTH = 200;

/** The visitor's first message opens the contact, carrying the pre-chat form. */
export function toContact(session: ChatSession, domain: string, messageId: string, text: string, at: Date): Contact {
  const { form } = session;
  return Contact.fromPartial({
    id: session.contactId,
    channel: Channel.CHANNEL_CHAT,
    domain,
    customer: {
      id: form.customerId ?? '',
      language: form.language,
      displayName: form.name,
      ...(form.email ? { emailAddress: form.email } : {}),
    },
    intent: form.topic,
    requirements: { language: form.language, skills: [] },
    conversationId: session.sessionId,
    channelIds: { chatSessionId: session.sessionId },
    attributes: [
      { key: 'chat.page_url', value: form.pageUrl },
      { key: 'chat.first_message_id', value: messageId },
      ...(form.department ? [{ key: 'chat.department', value: form.department }] : []),
      { key: 'chat.identified', value: form.customerId ? 'true' : 'false' },
    ],
    state: ContactState.CONTACT_STATE_RECEIVED,
    receivedAt: at,
    summary: summarize(text),
  });
}

/** A later event of the session's contact: MESSAGE, TYPING, READ, ABANDONED or ENDED. */
export function toUpdate(session: ChatSession, domain: string, kind: ContactUpdateKind, at: Date, messageId = '', text = '', callbackNumber = '', contactId = session.contactId): ContactUpdate {
  return ContactUpdate.fromPartial({
    contactId,
    domain,
    channel: Channel.CHANNEL_CHAT,
    kind,
    occurredAt: at,
    messageId,
    summary: summarize(text),
    callbackNumber,
  });
}

/** The intents of follow-up contacts: routing rules send them to a queue that is open for them. */
export const FOLLOW_UP_INTENTS = { email: 'follow-up-email', callback: 'follow-up-callback' } as const;

/**
 * The contact a visitor leaves when their wait ended (closed, full, expired) and the queue offered
 * it: a new chat contact (one per session: its id is derived from the session) carrying the email
 * address or phone number, intent `follow-up-email` / `follow-up-callback`, the original contact
 * in its history and the original topic as `chat.topic`. An agent answers it by email or calls.
 */
export function toFollowUpContact(
  session: ChatSession, domain: string, via: { email: string } | { phone: string }, message: string | undefined, at: Date,
): Contact {
  const { form } = session;
  const how = 'email' in via ? 'email' : 'callback';
  return Contact.fromPartial({
    id: followUpContactId(session, domain),
    channel: Channel.CHANNEL_CHAT,
    domain,
    customer: {
      id: form.customerId ?? '',
      language: form.language,
      displayName: form.name,
      ...('email' in via ? { emailAddress: via.email } : { phoneNumber: via.phone, ...(form.email ? { emailAddress: form.email } : {}) }),
    },
    intent: FOLLOW_UP_INTENTS[how],
    requirements: { language: form.language, skills: [] },
    conversationId: session.sessionId,
    channelIds: { chatSessionId: session.sessionId },
    attributes: [
      { key: 'chat.follow_up', value: how },
      { key: 'chat.topic', value: form.topic },
      { key: 'chat.page_url', value: form.pageUrl },
      ...(session.closed ? [{ key: 'chat.closed_reason', value: session.closed.reason }] : []),
      ...(form.department ? [{ key: 'chat.department', value: form.department }] : []),
      { key: 'chat.identified', value: form.customerId ? 'true' : 'false' },
    ],
    state: ContactState.CONTACT_STATE_RECEIVED,
    receivedAt: at,
    summary: summarize(message ?? form.topic),
    historyContactIds: [session.contactId],
  });
}

/** The id of a session's follow-up contact: one per session, whatever is resent. */
export function followUpContactId(session: ChatSession, domain: string): string {
  return deterministicContactId(domain, Channel.CHANNEL_CHAT, `${session.sessionId}:follow-up`);
}

function summarize(text: string): string {
  return text.length > SUMMARY_LENGTH ? `${text.slice(0, SUMMARY_LENGTH - 1)}…` : text;
}
