import { Channel, ContactUpdateKind } from '@switchboard/contracts';
import { deterministicContactId, type ContactPublisher } from '@switchboard/ingest-kit';
import type { ConversationStore } from './conversations.js';
import { customerKey, toContact, toEventUpdate, toMessageUpdate, type InboundMessage, type WeChatSource } from './contact.mapper.js';

/** What ingesting needs: where conversations are tracked and where contacts go. */
export interface IngestDeps {
  readonly conversations: ConversationStore;
  readonly publisher: ContactPublisher;
  readonly domain: string;
}

/** What happened to one message. */
export interface Ingested {
  readonly contactId: string;
  readonly isNew: boolean;
  /** True when JetStream already held it (a WeChat retry). */
  readonly duplicate: boolean;
}

/**
 * Publishes a customer message: the first of a conversation as a new contact, later ones as
 * MESSAGE updates of that contact. `Nats-Msg-Id` is the source and MsgId, so WeChat's retries of
 * the same message store it once. Resolves only after the JetStream ack.
 * @throws BusUnavailableError when NATS cannot take it now (answer 503 so WeChat retries).
 */
export async function ingestMessage(deps: IngestDeps, message: InboundMessage): Promise<Ingested> {
  const key = `${message.source}:${message.messageId}`;
  const conversation = customerKey(message);
  const { contactId, isNew } = await deps.conversations.resolve(conversation, {
    dedupKey: key,
    at: message.at.getTime(),
    newContactId: () => deterministicContactId(deps.domain, Channel.CHANNEL_WECHAT, `${conversation}\n${message.messageId}`),
  });
  const published = isNew
    ? await deps.publisher.publishContact(toContact(message, contactId, deps.domain), key)
    : await deps.publisher.publishContactUpdate(toMessageUpdate(message, contactId, deps.domain), key);
  return { contactId, isNew, duplicate: published.duplicate };
}

/**
 * Ends the customer's open conversation (session closed, unsubscribed) with an ENDED update.
 * Publishes before marking it ended, so a failure in between is repaired by the retry.
 * @returns the contact id, or undefined when no conversation was open.
 */
export async function endConversation(
  deps: IngestDeps,
  who: { source: WeChatSource; account: string; customerId: string },
  eventKey: string,
  at: Date,
  attributes: Readonly<Record<string, string>> = {},
): Promise<string | undefined> {
  const key = customerKey(who);
  const open = await deps.conversations.current(key);
  if (!open) return undefined;
  const update = toEventUpdate(open.contactId, deps.domain, ContactUpdateKind.CONTACT_UPDATE_KIND_ENDED, at, attributes);
  await deps.publisher.publishContactUpdate(update, `${who.source}:${eventKey}`);
  await deps.conversations.end(key);
  return open.contactId;
}
