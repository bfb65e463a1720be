import { createHash } from 'node:crypto';
import { Contact } from '@switchboard/contracts';
import { ValidationError, withReceiveSpan, type ContactPublisher } from '@switchboard/ingest-kit';
import type { Logger } from '@switchboard/telemetry';
import type { ConversationAgents } from './conversation-agents.js';
import { emailConversationId, emailToContact, type EmailSource } from './email-mapper.js';
import type { MessageIdLedger } from './message-id-ledger.js';
import { parseInboundEmail } from './mime.js';
import type { ReplyTargets } from './reply-targets.js';

/** The outcome of one accepted message. */
export interface Ingested {
  readonly contactId: string;
  readonly conversationId: string;
  readonly duplicate: boolean;
}

/** Turns a raw message into a contact on CONTACTS; shared by the SMTP listener and the webhook. */
export type EmailIngestor = (raw: Buffer, source: EmailSource, recipient?: string) => Promise<Ingested>;

/** Dependencies of {@link createEmailIngestor}. */
export interface EmailIngestorDeps {
  readonly publisher: ContactPublisher;
  readonly domain: string;
  readonly logger: Logger;
  /** Message-IDs already stored, for retries that come after JetStream's dedup window. */
  readonly ledger: MessageIdLedger;
  /** Conversation of each contact and the agent who last handled each conversation. */
  readonly agents: ConversationAgents;
  /** Whom each contact's acknowledgment goes to; absent when acknowledgments are off (no relay). */
  readonly replyTargets?: ReplyTargets;
  readonly now?: () => Date;
}

/**
 * Largest encoded contact published. NATS refuses messages over its `max_payload` (1 MiB by
 * default) and a refused publish would be answered as an outage (451, retried for days); the
 * mapper's caps keep real contacts to a few KiB, and this bound turns anything they missed into
 * a permanent refusal with a reason instead.
 */
export const MAX_CONTACT_BYTES = 128 * 1024;

/** Nats-Msg-Id keys stay short: a pathological Message-ID is replaced by its hash. */
function idempotencyKey(messageId: string): string {
  return messageId.length <= 200 ? messageId : `sha256:${createHash('sha256').update(messageId).digest('hex')}`;
}

/**
 * Parses, maps and publishes; resolves after the JetStream ack. The same Message-ID twice is one
 * stored message and answers success both times: within minutes JetStream's dedup catches it,
 * later the ledger does (without publishing). A reply prefers the agent who last handled its
 * conversation.
 * @throws ValidationError for unroutable mail, BusUnavailableError when NATS is down.
 */
export function createEmailIngestor(deps: EmailIngestorDeps): EmailIngestor {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: 'ingest' });
  return (raw, source, recipient) => withReceiveSpan('email', source, { 'switchboard.email.bytes': raw.length }, async () => {
    const email = await parseInboundEmail(raw);
    const key = idempotencyKey(email.messageId);
    const known = await deps.ledger.lookup(key);
    if (known) {
      log.info({ contactId: known.contactId, source }, 'email already stored; retry answered without publishing');
      return { ...known, duplicate: true };
    }
    const handler = email.thread.isReply ? await deps.agents.lastAgent(emailConversationId(deps.domain, email)) : undefined;
    const contact = emailToContact(email, {
      domain: deps.domain,
      source,
      now: now(),
      ...(recipient ? { recipient } : {}),
      ...(handler ? { preferredAgentId: handler.agentId } : {}),
    });
    const size = Contact.encode(contact).finish().length;
    if (size > MAX_CONTACT_BYTES) {
      throw new ValidationError('(headers)', 'too_large', `the message's headers make a contact of ${size} bytes, more than ${MAX_CONTACT_BYTES}`);
    }
    // Before publishing: a routing event about the contact must find its conversation (and whom to acknowledge).
    await deps.agents.rememberContact(contact.id, contact.conversationId);
    await deps.replyTargets?.remember(contact.id, {
      address: email.fromAddress, name: email.fromName, subject: email.subject, messageId: email.messageId,
      references: email.thread.earlierMessageIds, language: email.language,
    });
    const published = await deps.publisher.publishContact(contact, key);
    const result = { contactId: contact.id, conversationId: contact.conversationId };
    // After the ack only: an id in the ledger must mean a stored contact. Failing to record it
    // loses nothing (JetStream dedup still covers minutes), so the sender still hears success.
    await deps.ledger.record(key, result).catch((error: unknown) => log.warn({ err: error, contactId: contact.id }, 'message-id not recorded in the ledger'));
    log.info({ contactId: contact.id, conversationId: contact.conversationId, reply: email.thread.isReply, preferredAgent: handler !== undefined, attachments: email.attachments.length, duplicate: published.duplicate, source }, 'email received');
    return { ...result, duplicate: published.duplicate };
  });
}
