import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuthError, BODY_FIELD, ValidationError, parseOrThrow, withReceiveSpan, type FormBody } from '@switchboard/ingest-kit';
import { twilioCallToContact, twilioStatusToUpdate } from './call-mappers.js';
import { TERMINAL_CALL_STATUSES, twilioStatusSchema, twilioVoiceSchema, voiceQuerySchema } from './call-schemas.js';
import type { PhoneAppDeps, TwilioSettings } from './deps.js';
import { isValidTwilioSignature } from './twilio-signature.js';
import { EMPTY_TWIML, holdInQueueTwiml } from './twiml.js';

const TERMINAL: ReadonlySet<string> = new Set(TERMINAL_CALL_STATUSES);

/**
 * Checks `X-Twilio-Signature` against `PUBLIC_URL` + the path and query Twilio called, and returns
 * the form parameters. Checked before anything else is read: an unsigned request learns nothing.
 * @throws AuthError('invalid') → 403 for a missing or wrong signature.
 */
function verifiedParams(request: FastifyRequest, twilio: TwilioSettings): FormBody {
  const body = request.body;
  const params: FormBody = request.rawBody !== undefined && isForm(request) && isFormBody(body) ? body : {};
  const url = twilio.publicUrl.replace(/\/+$/, '') + request.url;
  const signature = request.headers['x-twilio-signature'];
  if (!isValidTwilioSignature(twilio.authToken, typeof signature === 'string' ? signature : undefined, url, params)) {
    throw new AuthError('invalid', 'X-Twilio-Signature does not match');
  }
  if (!isForm(request)) throw new ValidationError(BODY_FIELD, 'form_encoded', 'body must be application/x-www-form-urlencoded');
  return params;
}

function isForm(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

function isFormBody(body: unknown): body is FormBody {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

/** `POST /twilio/voice` (new call → contact, answer hold TwiML) and `POST /twilio/status`. */
export function registerTwilioRoutes(app: FastifyInstance, deps: PhoneAppDeps, twilio: TwilioSettings): void {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: 'twilio' });

  app.post('/twilio/voice', (request, reply) => withReceiveSpan('phone', 'twilio.voice', {}, async () => {
    const call = parseOrThrow(twilioVoiceSchema, verifiedParams(request, twilio));
    const hints = parseOrThrow(voiceQuerySchema, request.query);
    const contact = twilioCallToContact(call, hints, deps.domain, now());
    // Twilio retries the same CallSid; JetStream's dedup window keeps one contact.
    const published = await deps.publisher.publishContact(contact, call.CallSid);
    log.info({ contactId: contact.id, duplicate: published.duplicate, seq: published.seq }, 'call received');
    const hold = { queueName: `sb-${deps.domain}`, ...(twilio.waitUrl ? { waitUrl: twilio.waitUrl } : {}) };
    return reply.type('text/xml').send(holdInQueueTwiml(hold));
  }));

  app.post('/twilio/status', (request, reply) => withReceiveSpan('phone', 'twilio.status', {}, async () => {
    const status = parseOrThrow(twilioStatusSchema, verifiedParams(request, twilio));
    if (TERMINAL.has(status.CallStatus)) {
      const update = twilioStatusToUpdate(status, deps.domain, now());
      const published = await deps.publisher.publishContactUpdate(update, `${status.CallSid}:${status.CallStatus}`);
      log.info({ contactId: update.contactId, callStatus: status.CallStatus, duplicate: published.duplicate }, 'call ended');
    }
    return reply.type('text/xml').send(EMPTY_TWIML);
  }));
}
