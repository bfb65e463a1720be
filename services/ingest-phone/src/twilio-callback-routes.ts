import type { FastifyInstance } from 'fastify';
import { customerLanguage, parseOrThrow, sayLanguage, ValidationError, withReceiveSpan } from '@switchboard/ingest-kit';
import { callbackEndedUpdate, callbackFailedUpdate } from './call-mappers.js';
import { callbackQuerySchema, twilioStatusSchema } from './call-schemas.js';
import type { PhoneAppDeps } from './deps.js';
import { callbackConnectingText } from './phone-words.js';
import { TWILIO_PATHS } from './twilio-paths.js';
import { formParams, type TwilioRouteKit } from './twilio-routes.js';
import { callbackConnectTwiml } from './twiml-wait.js';
import { EMPTY_TWIML } from './twiml.js';

/** Final statuses of a callback leg that did not reach the customer: the engine retries or gives up. */
const FAILED: ReadonlySet<string> = new Set(['busy', 'no-answer', 'failed', 'canceled']);

/**
 * The callback legs Switchboard dials (callback-dialer.ts): `POST /twilio/callback-connect`
 * (the customer answered: a short line, then the agent's Twilio Client) and `POST
 * /twilio/callback-status` (the leg's final status: a failure is CALLBACK_FAILED, a completed
 * call ENDED). The query was written by us and is covered by Twilio's signature.
 */
export function registerTwilioCallbackRoutes(app: FastifyInstance, deps: PhoneAppDeps, kit: TwilioRouteKit): void {
  const { config, log } = kit;

  app.post(TWILIO_PATHS.callbackConnect, { config }, (request, reply) => withReceiveSpan('phone', 'twilio.callback-connect', {}, async () => {
    formParams(request);
    const query = parseOrThrow(callbackQuerySchema, request.query);
    if (!query.agent) throw new ValidationError('agent', 'required', 'the agent to connect is missing');
    const call = await deps.calls.get(query.contact).catch(() => undefined);
    const language = customerLanguage(call?.language || undefined, deps.defaultLanguage ?? 'zh');
    log.info({ contactId: query.contact, agentId: query.agent }, 'callback answered');
    return reply.type('text/xml').send(callbackConnectTwiml(callbackConnectingText(language), sayLanguage(language), query.agent));
  }));

  app.post(TWILIO_PATHS.callbackStatus, { config }, (request, reply) => withReceiveSpan('phone', 'twilio.callback-status', {}, async () => {
    const status = parseOrThrow(twilioStatusSchema, formParams(request));
    const query = parseOrThrow(callbackQuerySchema, request.query);
    const contactId = query.contact;
    if ((status.CallStatus === 'completed' || FAILED.has(status.CallStatus)) && !(await kit.resent(request))) {
      if (status.CallStatus === 'completed') {
        const published = await deps.publisher.publishContactUpdate(callbackEndedUpdate(deps.domain, contactId, kit.now(), status.CallSid, status.CallDuration), `${status.CallSid}:completed`);
        log.info({ contactId, duplicate: published.duplicate }, 'callback call ended');
      } else {
        // The outbound CallSid names this attempt's failure: the router's command id differs per attempt.
        const update = callbackFailedUpdate(deps.domain, contactId, status.CallStatus, status.CallSid, kit.now(), [{ key: 'twilio.callbackCallSid', value: status.CallSid }]);
        const published = await deps.publisher.publishContactUpdate(update, `${status.CallSid}:callback-failed`);
        log.info({ contactId, attempt: query.attempt, callStatus: status.CallStatus, duplicate: published.duplicate }, 'callback not answered');
      }
      await kit.handled(request);
    }
    return reply.type('text/xml').send(EMPTY_TWIML);
  }));
}
