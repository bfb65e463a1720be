import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuthError, BODY_FIELD, parseOrThrow, ValidationError, withReceiveSpan, type FormBody, type SignedRequestStamp } from '@switchboard/ingest-kit';
import { twilioCallToContact, twilioStatusToUpdate } from './call-mappers.js';
import { TERMINAL_CALL_STATUSES, twilioStatusSchema, twilioVoiceSchema, voiceQuerySchema } from './call-schemas.js';
import type { PhoneAppDeps, TwilioSettings } from './deps.js';
import { rememberQuietly } from './generic-routes.js';
import { isValidTwilioSignature } from './twilio-signature.js';
import { EMPTY_TWIML, holdInQueueTwiml } from './twiml.js';

const TERMINAL: ReadonlySet<string> = new Set(TERMINAL_CALL_STATUSES);
const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;

declare module 'fastify' {
  interface FastifyRequest {
    /** A verified Twilio request's one-time value (its signature) for the replay memory. */
    twilioStamp?: SignedRequestStamp;
  }
}

function isForm(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/**
 * Checks `X-Twilio-Signature` against `PUBLIC_URL` + the path and query Twilio called, before the
 * body is parsed for the route (the signature covers the form's parameters, so they are read as
 * URLSearchParams pairs: flat strings, nothing nested to expand).
 *
 * Twilio signs no timestamp, so a copied request cannot be told from the original by its age.
 * What we do instead: each verified signature (it covers the URL and every parameter, so it names
 * one exact request) is remembered for the replay window, and the same signature again is
 * answered as a duplicate — the same TwiML, nothing published. It must not be refused: Twilio
 * itself resends the identical request when our answer was late, and a refusal would play the
 * caller an application error. A copy replayed after the memory is still deduplicated by the
 * CallSid (JetStream's Nats-Msg-Id window, then the router's arrival idempotency).
 * @throws AuthError('invalid') → 403 for a missing or wrong signature.
 */
function verifyTwilio(request: FastifyRequest, raw: Buffer, twilio: TwilioSettings, now: () => number): void {
  const params = isForm(request) && raw.length > 0 ? signedPairs(raw.toString('utf8')) : {};
  const url = twilio.publicUrl.replace(/\/+$/, '') + request.url;
  const signature = request.headers['x-twilio-signature'];
  if (typeof signature !== 'string' || !isValidTwilioSignature(twilio.authToken, signature, url, params)) {
    throw new AuthError('invalid', 'X-Twilio-Signature does not match');
  }
  // The account is signed with the rest: one Twilio account, however many Twilio addresses, is one source.
  const account = typeof params.AccountSid === 'string' && ACCOUNT_SID.test(params.AccountSid) ? params.AccountSid : 'unknown';
  request.ingestSource = `twilio:${account}`;
  request.twilioStamp = { source: request.ingestSource, timestampSeconds: now(), nonce: signature };
}

/**
 * The form's name/value pairs as Twilio signed them, with no judgement of the names (a null-prototype
 * object holds any): the route's parser refuses names like `__proto__` after authentication, so a
 * request without a valid signature is answered 403 whatever it holds.
 */
function signedPairs(text: string): Record<string, string | string[]> {
  const out = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of new URLSearchParams(text)) {
    const previous = out[name];
    out[name] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return out;
}

function formParams(request: FastifyRequest): FormBody {
  if (!isForm(request) || typeof request.body !== 'object' || request.body === null) {
    throw new ValidationError(BODY_FIELD, 'form_encoded', 'body must be application/x-www-form-urlencoded');
  }
  return request.body as FormBody;
}

/** `POST /twilio/voice` (new call → contact, answer hold TwiML) and `POST /twilio/status`. */
export function registerTwilioRoutes(app: FastifyInstance, deps: PhoneAppDeps, twilio: TwilioSettings): void {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: 'twilio' });
  const guard = deps.replayGuard;
  const config = { verifyRawBody: (request: FastifyRequest, raw: Buffer) => verifyTwilio(request, raw, twilio, () => guard.now()) };
  const resent = async (request: FastifyRequest) => request.twilioStamp !== undefined && guard.wasHandled(request.twilioStamp);
  const handled = async (request: FastifyRequest) => { if (request.twilioStamp) await rememberQuietly(guard, request.twilioStamp, log); };

  app.post('/twilio/voice', { config }, (request, reply) => withReceiveSpan('phone', 'twilio.voice', {}, async () => {
    const call = parseOrThrow(twilioVoiceSchema, formParams(request));
    const hints = parseOrThrow(voiceQuerySchema, request.query);
    const hold = { queueName: `sb-${deps.domain}`, ...(twilio.waitUrl ? { waitUrl: twilio.waitUrl } : {}) };
    if (await resent(request)) {
      log.info({ duplicate: true }, 'call webhook resent');
      return reply.type('text/xml').send(holdInQueueTwiml(hold));
    }
    const contact = twilioCallToContact(call, hints, deps.domain, now());
    // Twilio retries the same CallSid; JetStream's dedup window keeps one contact.
    const published = await deps.publisher.publishContact(contact, call.CallSid);
    await handled(request);
    log.info({ contactId: contact.id, duplicate: published.duplicate, seq: published.seq }, 'call received');
    return reply.type('text/xml').send(holdInQueueTwiml(hold));
  }));

  app.post('/twilio/status', { config }, (request, reply) => withReceiveSpan('phone', 'twilio.status', {}, async () => {
    const status = parseOrThrow(twilioStatusSchema, formParams(request));
    if (TERMINAL.has(status.CallStatus) && !(await resent(request))) {
      const update = twilioStatusToUpdate(status, deps.domain, now());
      const published = await deps.publisher.publishContactUpdate(update, `${status.CallSid}:${status.CallStatus}`);
      await handled(request);
      log.info({ contactId: update.contactId, callStatus: status.CallStatus, duplicate: published.duplicate }, 'call ended');
    }
    return reply.type('text/xml').send(EMPTY_TWIML);
  }));
}
