import type { FastifyInstance } from 'fastify';
import { parseOrThrow, withReceiveSpan } from '@switchboard/ingest-kit';
import { callContactId, genericCallToContact, genericCallToUpdate } from './call-mappers.js';
import { genericCallSchema } from './call-schemas.js';
import type { PhoneAppDeps } from './deps.js';
import { verifyGenericRequest } from './generic-auth.js';

export { SIGNATURE_HEADER, signGenericRequest, TIMESTAMP_HEADER } from './generic-auth.js';

/** `POST /v1/contacts`: a call event from any telephony platform, as JSON, verified before it is parsed. */
export function registerGenericRoutes(app: FastifyInstance, deps: PhoneAppDeps, secret: string): void {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: 'generic' });
  const guard = deps.replayGuard;
  const verifyRawBody = (request: Parameters<typeof verifyGenericRequest>[0], raw: Buffer) => verifyGenericRequest(request, raw, secret, guard);
  app.post('/v1/contacts', { config: { verifyRawBody } }, (request, reply) => withReceiveSpan('phone', 'generic', {}, async () => {
    const call = parseOrThrow(genericCallSchema, request.body);
    const contactId = callContactId(deps.domain, call.callId);
    const stamp = request.phoneStamp;
    // A resend of the identical signed request (the platform missed our answer) is a duplicate:
    // answered as one, and never published twice.
    if (stamp && (await guard.wasHandled(stamp))) {
      log.info({ contactId, event: call.event, duplicate: true }, 'call event resent');
      return reply.code(202).send({ contactId, duplicate: true });
    }
    const published = call.event === 'arrived'
      ? await deps.publisher.publishContact(genericCallToContact(call, deps.domain, now()), call.callId)
      : await deps.publisher.publishContactUpdate(genericCallToUpdate(call, deps.domain, now()), `${call.callId}:${call.event}`);
    if (stamp) await rememberQuietly(guard, stamp, log);
    log.info({ contactId, event: call.event, duplicate: published.duplicate }, 'call event received');
    return reply.code(202).send({ contactId, duplicate: published.duplicate });
  }));
}

/**
 * Remembers a handled request. The contact is already on the bus: failing the request now would
 * only make the platform resend what JetStream deduplicates anyway, so a failure is logged.
 */
export async function rememberQuietly(guard: PhoneAppDeps['replayGuard'], stamp: Parameters<PhoneAppDeps['replayGuard']['remember']>[0], log: PhoneAppDeps['logger']): Promise<void> {
  await guard.remember(stamp).catch((error: unknown) => log.warn({ err: error }, 'could not remember a handled request; a resend is left to deduplication'));
}
