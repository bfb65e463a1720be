import { createHash } from 'node:crypto';
import { withReceiveSpan, type ContactPublisher } from '@switchboard/ingest-kit';
import type { Logger } from '@switchboard/telemetry';
import { emailToContact, type EmailSource } from './email-mapper.js';
import { parseInboundEmail } from './mime.js';

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
  readonly now?: () => Date;
}

/** Nats-Msg-Id keys stay short: a pathological Message-ID is replaced by its hash. */
function idempotencyKey(messageId: string): string {
  return messageId.length <= 200 ? messageId : `sha256:${createHash('sha256').update(messageId).digest('hex')}`;
}

/**
 * Parses, maps and publishes; resolves after the JetStream ack. The same Message-ID twice is one
 * stored message (JetStream dedup), and answers success both times.
 * @throws ValidationError for unroutable mail, BusUnavailableError when NATS is down.
 */
export function createEmailIngestor(deps: EmailIngestorDeps): EmailIngestor {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: 'ingest' });
  return (raw, source, recipient) => withReceiveSpan('email', source, { 'switchboard.email.bytes': raw.length }, async () => {
    const email = await parseInboundEmail(raw);
    const contact = emailToContact(email, { domain: deps.domain, source, now: now(), ...(recipient ? { recipient } : {}) });
    const published = await deps.publisher.publishContact(contact, idempotencyKey(email.messageId));
    log.info({ contactId: contact.id, conversationId: contact.conversationId, reply: email.thread.isReply, attachments: email.attachments.length, duplicate: published.duplicate, source }, 'email received');
    return { contactId: contact.id, conversationId: contact.conversationId, duplicate: published.duplicate };
  });
}
