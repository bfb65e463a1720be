import type { FastifyInstance } from 'fastify';
import { Channel } from '@switchboard/contracts';
import { parseOrThrow, surveyAnswerUpdate, withReceiveSpan } from '@switchboard/ingest-kit';
import { callContactId, genericCallToContact, genericCallToUpdate } from './call-mappers.js';
import type { Published } from '@switchboard/bus';
import { genericCallSchema, type GenericCall } from './call-schemas.js';
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
    const contactId = call.contactId ?? callContactId(deps.domain, call.callId);
    const stamp = request.phoneStamp;
    // A resend of the identical signed request (the platform missed our answer) is a duplicate:
    // answered as one, and never published twice.
    if (stamp && (await guard.wasHandled(stamp))) {
      log.info({ contactId, event: call.event, duplicate: true }, 'call event resent');
      return reply.code(202).send({ contactId, duplicate: true });
    }
    const published = call.event === 'arrived' ? await arrive(deps, call, now()) : await later(deps, call, now(), log);
    if (stamp) await rememberQuietly(guard, stamp, log);
    log.info({ contactId, event: call.event, duplicate: published.duplicate }, 'call event received');
    return reply.code(202).send({ contactId, duplicate: published.duplicate });
  }));
}

/** A new call: remembered (number, language, platform) before its contact is published. */
async function arrive(deps: PhoneAppDeps, call: GenericCall, now: Date): Promise<Published> {
  const contact = genericCallToContact(call, deps.domain, now);
  await deps.calls.remember(contact.id, { callId: call.callId, platform: 'generic', from: call.callerNumber ?? '', language: call.ivr?.language ?? '', receivedAt: now.getTime() });
  return deps.publisher.publishContact(contact, call.callId);
}

/**
 * A later event. A caller who chose a callback and then hangs up has not abandoned: that
 * `abandoned` (or `ended` of the original call) is recorded in the call only — the callback
 * leg's results name its contact (`contactId`). Each event's key names it, so a platform's resend is
 * deduplicated and a callback's second failure is not.
 */
async function later(deps: PhoneAppDeps, call: GenericCall, now: Date, log: PhoneAppDeps['logger']): Promise<Published> {
  const contactId = call.contactId ?? callContactId(deps.domain, call.callId);
  if (call.event === 'survey_answered') {
    const update = surveyAnswerUpdate(deps.domain, Channel.CHANNEL_PHONE, contactId, { score: call.score ?? 0, answerId: `${call.callId}:survey` }, now);
    return deps.publisher.publishContactUpdate(update, `${call.callId}:survey`);
  }
  if (call.event === 'callback_requested') {
    const published = await deps.publisher.publishContactUpdate(genericCallToUpdate(call, deps.domain, now), `${call.callId}:callback-requested`);
    await deps.calls.update(contactId, (c) => (c.callbackRequested ? c : { ...c, callbackRequested: true }))
      .catch((error: unknown) => log.warn({ err: error, contactId }, 'callback choice not remembered'));
    return published;
  }
  if (call.event === 'abandoned' || (call.event === 'ended' && call.contactId === undefined)) {
    deps.notices.delete(contactId);
    const record = await deps.calls.update(contactId, (c) => (c.ended ? c : { ...c, ended: true }));
    if (record?.callbackRequested) {
      log.info({ contactId, event: call.event }, 'caller hung up awaiting a callback');
      return { stream: '', seq: 0, duplicate: false };
    }
  }
  return deps.publisher.publishContactUpdate(genericCallToUpdate(call, deps.domain, now), `${call.callId}:${call.event}`);
}

/**
 * Remembers a handled request. The contact is already on the bus: failing the request now would
 * only make the platform resend what JetStream deduplicates anyway, so a failure is logged.
 */
export async function rememberQuietly(guard: PhoneAppDeps['replayGuard'], stamp: Parameters<PhoneAppDeps['replayGuard']['remember']>[0], log: PhoneAppDeps['logger']): Promise<void> {
  await guard.remember(stamp).catch((error: unknown) => log.warn({ err: error }, 'could not remember a handled request; a resend is left to deduplication'));
}
