import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Channel, ContactUpdate, ContactUpdateKind } from '@switchboard/contracts';
import { BODY_FIELD, isContactId, parseJsonOrThrow, ValidationError, type ContactPublisher, type ReplayGuard } from '@switchboard/ingest-kit';
import type { ConversationAgents } from './conversation-agents.js';
import type { EmailIngestor } from './ingest.js';
import { admitMailgunToken, verifyMailgunHeaders, type MailgunStamp } from './webhook-auth.js';

/** Raw MIME content types the webhook accepts. */
export const RAW_EMAIL_TYPES = ['message/rfc822', 'text/plain'] as const;

/** Largest body of `POST /v1/conversations/close`: one id, so a few hundred bytes; larger is 413 unread. */
export const CLOSE_BODY_LIMIT_BYTES = 4 * 1024;

/** What the signed webhook routes need. */
export interface WebhookRouteDeps {
  readonly ingest: EmailIngestor;
  readonly publisher: ContactPublisher;
  readonly agents: Pick<ConversationAgents, 'latestContact'>;
  readonly domain: string;
  /** `EMAIL_WEBHOOK_SIGNING_KEY`: required, the routes do not exist without it. */
  readonly signingKey: string;
  /** Timestamp window and token memory of the signatures. */
  readonly replay: ReplayGuard;
  readonly now: () => Date;
}

/**
 * Registers the two signed webhook routes in a scope of their own where **no body is parsed
 * before it is authenticated**: every content type arrives as raw bytes (the scope replaces the
 * server's JSON and form parsers with one that keeps the Buffer), the signature and its
 * timestamp are checked from the headers in `preParsing` — before a byte of the body is read, so
 * an unsigned 10 MB body is refused without reading it — and the token is admitted against the
 * body's digest in `preValidation`, after the raw body arrived and before a handler looks at it.
 * Only then does a handler parse JSON or MIME.
 */
export async function registerWebhookRoutes(app: FastifyInstance, deps: WebhookRouteDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
      request.rawBody = body;
      done(null, body);
    });
    const stamps = new WeakMap<FastifyRequest, MailgunStamp>();
    // preParsing, not onRequest: the rate limit (a route onRequest hook) counts the request
    // first, so unsigned floods are limited per address too; the body is still unread here.
    scope.addHook('preParsing', async (request, _reply, payload) => {
      stamps.set(request, verifyMailgunHeaders(request, deps.signingKey, deps.replay));
      return payload;
    });
    scope.addHook('preValidation', async (request) => {
      const stamp = stamps.get(request);
      if (!stamp) throw new Error('webhook request reached preValidation unsigned');
      await admitMailgunToken(deps.replay, stamp, request.rawBody ?? Buffer.alloc(0));
    });
    registerInboundEmailRoute(scope, deps.ingest);
    registerCloseThreadRoute(scope, deps);
  });
}

function rawBodyOf(request: FastifyRequest): Buffer {
  const body = request.body;
  if (!Buffer.isBuffer(body) || body.length === 0) throw new ValidationError(BODY_FIELD, 'required', 'body is empty');
  return body;
}

function contentTypeOf(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** `POST /v1/inbound-email`: a raw MIME message from an inbound-parse service. */
function registerInboundEmailRoute(app: FastifyInstance, ingest: EmailIngestor): void {
  app.post('/v1/inbound-email', async (request, reply) => {
    if (!(RAW_EMAIL_TYPES as readonly string[]).includes(contentTypeOf(request))) {
      throw new ValidationError(BODY_FIELD, 'content_type', `send the raw message as ${RAW_EMAIL_TYPES.join(' or ')}`);
    }
    const result = await ingest(rawBodyOf(request), 'webhook');
    return reply.code(202).send(result);
  });
}

/**
 * `POST /v1/conversations/close` `{"conversationId": "..."}` (the id the inbound webhook answered),
 * signed like the inbound webhook: the email platform closed the thread. Its newest contact ends
 * in the router in whatever state (`ContactUpdate` ENDED: waiting, it is abandoned; connected,
 * it is completed for its agent and wrap-up starts). 202 with the contact ended; 404 for a
 * conversation this service does not know (or whose record expired, 30 days).
 */
function registerCloseThreadRoute(app: FastifyInstance, deps: WebhookRouteDeps): void {
  app.post('/v1/conversations/close', { bodyLimit: CLOSE_BODY_LIMIT_BYTES }, async (request, reply) => {
    if (contentTypeOf(request) !== 'application/json') throw new ValidationError(BODY_FIELD, 'content_type', 'send {"conversationId": "..."} as application/json');
    const body = parseJsonOrThrow(rawBodyOf(request).toString('utf8')) as { conversationId?: unknown } | null;
    const conversationId = body && typeof body === 'object' ? body.conversationId : undefined;
    if (typeof conversationId !== 'string' || conversationId === '') throw new ValidationError('conversationId', 'required', 'the conversation id the inbound webhook answered');
    // Conversation ids are contact ids (the thread root's); anything else is not one of ours and
    // must not reach the KV bucket, whose keys refuse most characters.
    if (!isContactId(conversationId)) throw new ValidationError('conversationId', 'invalid_format', 'conversationId: not a conversation id this service answered (26 base32 characters)');
    const contactId = await deps.agents.latestContact(conversationId);
    if (contactId === undefined) return reply.code(404).send({ error: `no conversation "${conversationId}" known here (or its record expired)` });
    const update = ContactUpdate.fromPartial({ contactId, domain: deps.domain, channel: Channel.CHANNEL_EMAIL,
      kind: ContactUpdateKind.CONTACT_UPDATE_KIND_ENDED, occurredAt: deps.now(), attributes: [{ key: 'email.thread', value: 'closed' }] });
    const published = await deps.publisher.publishContactUpdate(update, `${contactId}:closed`);
    return reply.code(202).send({ contactId, conversationId, duplicate: published.duplicate });
  });
}
