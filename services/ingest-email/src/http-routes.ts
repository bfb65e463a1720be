import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Channel, ContactUpdate, ContactUpdateKind } from '@switchboard/contracts';
import { AuthError, BODY_FIELD, constantTimeEqual, hmacHex, ValidationError, type ContactPublisher } from '@switchboard/ingest-kit';
import type { ConversationAgents } from './conversation-agents.js';
import type { EmailIngestor } from './ingest.js';

/** Raw MIME content types the webhook accepts. */
export const RAW_EMAIL_TYPES = ['message/rfc822', 'text/plain'] as const;

/** How old a signed webhook may be before it is treated as a replay. */
const MAX_SIGNATURE_AGE_SECONDS = 15 * 60;

/**
 * Mailgun-style webhook signature in headers: `X-Mailgun-Signature` = hex HMAC-SHA256 of
 * timestamp + token with the signing key, and a timestamp no older than 15 minutes.
 * @throws AuthError('missing') → 401, AuthError('invalid') → 403.
 */
export function verifyMailgunSignature(request: FastifyRequest, signingKey: string, nowSeconds: number): void {
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const timestamp = header('x-mailgun-timestamp');
  const token = header('x-mailgun-token');
  const signature = header('x-mailgun-signature');
  if (!timestamp || !token || !signature) throw new AuthError('missing', 'X-Mailgun-Timestamp, -Token and -Signature required');
  if (!constantTimeEqual(signature.toLowerCase(), hmacHex('sha256', signingKey, timestamp + token))) {
    throw new AuthError('invalid', 'signature does not match');
  }
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > MAX_SIGNATURE_AGE_SECONDS) {
    throw new AuthError('invalid', 'signature expired');
  }
}

/** `POST /v1/inbound-email`: a raw MIME message from an inbound-parse service. */
export function registerInboundEmailRoute(app: FastifyInstance, ingest: EmailIngestor, signingKey: string | undefined, now: () => Date): void {
  app.post('/v1/inbound-email', async (request, reply) => {
    if (signingKey) verifyMailgunSignature(request, signingKey, Math.floor(now().getTime() / 1000));
    if (!Buffer.isBuffer(request.body)) {
      throw new ValidationError(BODY_FIELD, 'content_type', `send the raw message as ${RAW_EMAIL_TYPES.join(' or ')}`);
    }
    if (request.body.length === 0) throw new ValidationError(BODY_FIELD, 'required', 'body is empty');
    const result = await ingest(request.body, 'webhook');
    return reply.code(202).send(result);
  });
}

/** What closing a thread needs. */
export interface CloseThreadDeps {
  readonly publisher: ContactPublisher;
  readonly agents: Pick<ConversationAgents, 'latestContact'>;
  readonly domain: string;
  readonly signingKey: string | undefined;
  readonly now: () => Date;
}

/**
 * `POST /v1/conversations/close` `{"conversationId": "..."}` (the id the inbound webhook answered),
 * signed like the inbound webhook: the email platform closed the thread. Its newest contact ends
 * in the router in whatever state (`ContactUpdate` ENDED: waiting, it is abandoned; connected,
 * it is completed for its agent and wrap-up starts). 202 with the contact ended; 404 for a
 * conversation this service does not know (or whose record expired, 30 days).
 */
export function registerCloseThreadRoute(app: FastifyInstance, deps: CloseThreadDeps): void {
  app.post('/v1/conversations/close', async (request, reply) => {
    if (deps.signingKey) verifyMailgunSignature(request, deps.signingKey, Math.floor(deps.now().getTime() / 1000));
    const body = request.body as { conversationId?: unknown } | undefined;
    const conversationId = body && typeof body === 'object' ? body.conversationId : undefined;
    if (typeof conversationId !== 'string' || conversationId === '') throw new ValidationError('conversationId', 'required', 'the conversation id the inbound webhook answered');
    if (conversationId.length > 200) throw new ValidationError('conversationId', 'too_long', 'at most 200 characters');
    const contactId = await deps.agents.latestContact(conversationId);
    if (contactId === undefined) return reply.code(404).send({ error: `no conversation "${conversationId}" known here (or its record expired)` });
    const update = ContactUpdate.fromPartial({ contactId, domain: deps.domain, channel: Channel.CHANNEL_EMAIL,
      kind: ContactUpdateKind.CONTACT_UPDATE_KIND_ENDED, occurredAt: deps.now(), attributes: [{ key: 'email.thread', value: 'closed' }] });
    const published = await deps.publisher.publishContactUpdate(update, `${contactId}:closed`);
    return reply.code(202).send({ contactId, conversationId, duplicate: published.duplicate });
  });
}
