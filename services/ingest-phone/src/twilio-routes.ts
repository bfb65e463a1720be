import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuthError, BODY_FIELD, parseOrThrow, ValidationError, withReceiveSpan, type FormBody, type SignedRequestStamp } from '@switchboard/ingest-kit';
import { customerLanguage, sayLanguage } from '@switchboard/ingest-kit';
import { callContactId, twilioCallToContact, twilioStatusToUpdate } from './call-mappers.js';
import { TERMINAL_CALL_STATUSES, twilioStatusSchema, twilioVoiceSchema, voiceQuerySchema } from './call-schemas.js';
import type { PhoneAppDeps, TwilioSettings } from './deps.js';
import { rememberQuietly } from './generic-routes.js';
import { isValidTwilioSignature } from './twilio-signature.js';
import { EMPTY_TWIML, holdInQueueTwiml } from './twiml.js';
import { pleaseHoldText } from './phone-words.js';
import { TWILIO_PATHS } from './twilio-paths.js';
import { registerTwilioCallbackRoutes } from './twilio-callback-routes.js';
import { registerTwilioWaitRoutes } from './twilio-wait-routes.js';
import { registerTwilioSurveyRoutes } from './twilio-survey-routes.js';

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

/** The verified form of a Twilio request (400 when it is not a form). */
export function formParams(request: FastifyRequest): FormBody {
  if (!isForm(request) || typeof request.body !== 'object' || request.body === null) {
    throw new ValidationError(BODY_FIELD, 'form_encoded', 'body must be application/x-www-form-urlencoded');
  }
  return request.body as FormBody;
}

/** What every Twilio route shares: the verification config, the replay memory, the clock and the log. */
export interface TwilioRouteKit {
  readonly config: { verifyRawBody: (request: FastifyRequest, raw: Buffer) => void };
  /** Whether this exact signed request was handled before (Twilio resending it): answer, change nothing. */
  readonly resent: (request: FastifyRequest) => Promise<boolean>;
  /** Remembers a handled request once its effect is on the bus. */
  readonly handled: (request: FastifyRequest) => Promise<void>;
  readonly now: () => Date;
  readonly log: PhoneAppDeps['logger'];
  /** `<PUBLIC_URL>` without a trailing slash: the base of every URL we give Twilio. */
  readonly base: string;
  /** The wait URL the calls' Enqueue polls. */
  readonly waitUrl: string;
}

/**
 * `POST /twilio/voice` (new call → contact, answer hold TwiML), `POST /twilio/status`, and the
 * wait flow and callback legs (twilio-wait-routes.ts, twilio-callback-routes.ts).
 */
export function registerTwilioRoutes(app: FastifyInstance, deps: PhoneAppDeps, twilio: TwilioSettings): void {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: 'twilio' });
  const guard = deps.replayGuard;
  const base = twilio.publicUrl.replace(/\/+$/, '');
  const kit: TwilioRouteKit = {
    config: { verifyRawBody: (request: FastifyRequest, raw: Buffer) => verifyTwilio(request, raw, twilio, () => guard.now()) },
    resent: async (request) => request.twilioStamp !== undefined && guard.wasHandled(request.twilioStamp),
    handled: async (request) => { if (request.twilioStamp) await rememberQuietly(guard, request.twilioStamp, log); },
    now, log, base,
    waitUrl: twilio.waitUrl ?? `${base}${TWILIO_PATHS.wait}`,
  };
  const { config, resent, handled } = kit;
  const defaultLanguage = deps.defaultLanguage ?? 'zh';

  app.post('/twilio/voice', { config }, (request, reply) => withReceiveSpan('phone', 'twilio.voice', {}, async () => {
    const call = parseOrThrow(twilioVoiceSchema, formParams(request));
    const hints = parseOrThrow(voiceQuerySchema, request.query);
    const language = customerLanguage(hints.language, defaultLanguage);
    const hold = { queueName: `sb-${deps.domain}`, waitUrl: kit.waitUrl, leftUrl: `${base}${TWILIO_PATHS.queueLeft}`, greeting: pleaseHoldText(language), language: sayLanguage(language) };
    if (await resent(request)) {
      log.info({ duplicate: true }, 'call webhook resent');
      return reply.type('text/xml').send(holdInQueueTwiml(hold));
    }
    const contact = twilioCallToContact(call, hints, deps.domain, now());
    // Remembered before the contact is published: every routing event about it finds the call.
    await deps.calls.remember(contact.id, { callId: call.CallSid, platform: 'twilio', from: call.From ?? '', language: hints.language ?? '', receivedAt: now().getTime() });
    // Twilio retries the same CallSid; JetStream's dedup window keeps one contact.
    const published = await deps.publisher.publishContact(contact, call.CallSid);
    await handled(request);
    log.info({ contactId: contact.id, duplicate: published.duplicate, seq: published.seq }, 'call received');
    return reply.type('text/xml').send(holdInQueueTwiml(hold));
  }));

  app.post('/twilio/status', { config }, (request, reply) => withReceiveSpan('phone', 'twilio.status', {}, async () => {
    const status = parseOrThrow(twilioStatusSchema, formParams(request));
    if (TERMINAL.has(status.CallStatus) && !(await resent(request))) {
      const contactId = callContactId(deps.domain, status.CallSid);
      deps.notices.delete(contactId);
      const call = await deps.calls.update(contactId, (c) => (c.ended ? c : { ...c, ended: true }));
      if (call?.callbackRequested) {
        // The caller hung up after choosing a callback: not an abandonment (the contact waits on).
        log.info({ contactId, callStatus: status.CallStatus }, 'caller hung up awaiting a callback');
      } else {
        const update = twilioStatusToUpdate(status, deps.domain, now());
        const published = await deps.publisher.publishContactUpdate(update, `${status.CallSid}:${status.CallStatus}`);
        log.info({ contactId, callStatus: status.CallStatus, duplicate: published.duplicate }, 'call ended');
      }
      await handled(request);
    }
    return reply.type('text/xml').send(EMPTY_TWIML);
  }));

  registerTwilioWaitRoutes(app, deps, twilio, kit);
  registerTwilioCallbackRoutes(app, deps, kit);
  registerTwilioSurveyRoutes(app, deps, twilio, kit);
}
