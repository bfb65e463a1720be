import { Channel, Contact, ContactState, ContactUpdate, ContactUpdateKind } from '@switchboard/contracts';
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
export function toUpdate(session: ChatSession, domain: string, kind: ContactUpdateKind, at: Date, messageId = '', text = ''): ContactUpdate {
  return ContactUpdate.fromPartial({
    contactId: session.contactId,
    domain,
    channel: Channel.CHANNEL_CHAT,
    kind,
    occurredAt: at,
    messageId,
    summary: summarize(text),
  });
}

function summarize(text: string): string {
  return text.length > SUMMARY_LENGTH ? `${text.slice(0, SUMMARY_LENGTH - 1)}…` : text;
}
