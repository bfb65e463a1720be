import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuthError, bearerToken, constantTimeEqual, hmacHex, parseOrThrow, withReceiveSpan } from '@switchboard/ingest-kit';
import { callContactId, genericCallToContact, genericCallToUpdate } from './call-mappers.js';
import { genericCallSchema } from './call-schemas.js';
import type { PhoneAppDeps } from './deps.js';

/** Header carrying `sha256=<hex HMAC-SHA256 of the raw body>` keyed by `PHONE_WEBHOOK_SECRET`. */
export const SIGNATURE_HEADER = 'x-switchboard-signature';

/**
 * Accepts either `Authorization: Bearer <secret>` or an HMAC of the raw body in
 * {@link SIGNATURE_HEADER}; the HMAC is preferred (the secret never travels).
 * @throws AuthError('missing') → 401, AuthError('invalid') → 403.
 */
function authenticate(request: FastifyRequest, secret: string): void {
  const signature = request.headers[SIGNATURE_HEADER];
  if (typeof signature === 'string') {
    const expected = `sha256=${hmacHex('sha256', secret, request.rawBody ?? Buffer.alloc(0))}`;
    if (!constantTimeEqual(signature.trim().toLowerCase(), expected)) throw new AuthError('invalid', 'signature does not match');
    return;
  }
  const token = bearerToken(request.headers.authorization);
  if (token === undefined) throw new AuthError('missing', `send ${SIGNATURE_HEADER} or Authorization: Bearer`);
  if (!constantTimeEqual(token, secret)) throw new AuthError('invalid', 'credential does not match');
}

/** `POST /v1/contacts`: a call event from any telephony platform, as JSON. */
export function registerGenericRoutes(app: FastifyInstance, deps: PhoneAppDeps, secret: string): void {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: 'generic' });
  app.post('/v1/contacts', (request, reply) => withReceiveSpan('phone', 'generic', {}, async () => {
    authenticate(request, secret);
    const call = parseOrThrow(genericCallSchema, request.body);
    const contactId = callContactId(deps.domain, call.callId);
    const published = call.event === 'arrived'
      ? await deps.publisher.publishContact(genericCallToContact(call, deps.domain, now()), call.callId)
      : await deps.publisher.publishContactUpdate(genericCallToUpdate(call, deps.domain, now()), `${call.callId}:${call.event}`);
    log.info({ contactId, event: call.event, duplicate: published.duplicate }, 'call event received');
    return reply.code(202).send({ contactId, duplicate: published.duplicate });
  }));
}
