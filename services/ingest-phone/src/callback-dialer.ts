import type { DurableConsumer } from '@switchboard/bus';
import type { RoutingEvent } from '@switchboard/contracts';
import { customerLanguage, followRoutingEvents, sayLanguage } from '@switchboard/ingest-kit';
import { callbackFailedUpdate } from './call-mappers.js';
import { isHistory, type PhoneFollowerDeps } from './follower-deps.js';
import { callbackConnectingText } from './phone-words.js';
import { PlatformWebhookError } from './platform-webhook.js';
import { TWILIO_PATHS } from './twilio-paths.js';
import { isPermanentTwilioError } from './twilio-rest.js';

/** The routing event that says an agent took a callback and the customer is to be dialled now. */
export const CALLBACK_DIALING_EVENT = 'CallbackDialing';

/**
 * Follows CallbackDialing of every channel's contacts (a chat visitor may leave a number too; one
 * durable, shared by the replicas) and dials the customer: through Twilio's REST API when the
 * contact is not a generic platform's call and Twilio is configured (`calls.create`, whose answer
 * URL connects the agent and whose status callback reports the result, twilio-callback-routes.ts),
 * else through the generic platform's webhook (`callback_dial`; it reports back on `/v1/contacts`).
 * Each attempt is claimed in the call store first, so a redelivered event never dials twice; a
 * dial that cannot be placed now (network, 5xx) gives its claim back and is retried with the
 * batch; one refused for good, or with no dialer configured, is reported CALLBACK_FAILED, and
 * the engine retries per the queue's policy.
 */
export function followCallbackDialing(deps: PhoneFollowerDeps): Promise<DurableConsumer> {
  const log = deps.logger.child({ component: 'callback-dialer' });
  return followRoutingEvents({
    bus: deps.bus,
    domain: deps.domain,
    event: CALLBACK_DIALING_EVENT,
    durable: `ingest-phone-${deps.domain}-callback-dialing`,
    logger: deps.logger,
    handle: (event) => dial(deps, event, log),
  });
}

async function dial(deps: PhoneFollowerDeps, event: RoutingEvent, log: PhoneFollowerDeps['logger']): Promise<void> {
  const dialing = event.callbackDialing;
  if (!dialing || !event.contactId || !event.agentId || isHistory(deps, event.occurredAt)) return;
  const { contactId, agentId } = event;
  const attempt = dialing.attempt;
  const now = deps.now?.() ?? Date.now();
  if (!(await deps.calls.claimDial(contactId, attempt, now))) return void log.debug({ contactId, attempt }, 'callback attempt already dialled');
  const call = await deps.calls.get(contactId);
  const language = customerLanguage(call?.language || undefined, deps.defaultLanguage);
  const failed = async (why: string) => {
    const update = callbackFailedUpdate(deps.domain, contactId, 'failed', `dial-${attempt}`, new Date(now), [{ key: 'callback.dialError', value: why }]);
    await deps.publisher.publishContactUpdate(update, `${contactId}:dial-${attempt}:failed`);
    log.warn({ contactId, attempt, why }, 'callback not dialled; reported failed');
  };
  const viaPlatform = deps.platform && (call?.platform === 'generic' || !deps.twilio?.callerId);
  try {
    if (viaPlatform && deps.platform) {
      await deps.platform.post({
        type: 'callback_dial', contactId, ...(call ? { callId: call.callId } : {}), number: dialing.number, agentId, attempt,
        language: sayLanguage(language), text: callbackConnectingText(language),
      });
      await deps.calls.dialed(contactId, attempt, '', now);
      return void log.info({ contactId, agentId, attempt }, 'callback dial sent to the platform');
    }
    if (!deps.twilio?.callerId) return await failed('no dialer configured (TWILIO_ACCOUNT_SID + TWILIO_CALLER_ID, or PHONE_PLATFORM_WEBHOOK_URL)');
    const base = deps.twilio.publicUrl.replace(/\/+$/, '');
    const query = `contact=${encodeURIComponent(contactId)}`;
    const callSid = await deps.twilio.rest.create({
      to: dialing.number,
      from: deps.twilio.callerId,
      url: `${base}${TWILIO_PATHS.callbackConnect}?${query}&agent=${encodeURIComponent(agentId)}`,
      statusCallback: `${base}${TWILIO_PATHS.callbackStatus}?${query}&attempt=${attempt}`,
    });
    await deps.calls.dialed(contactId, attempt, callSid, now);
    log.info({ contactId, agentId, attempt, callSid }, 'callback dialled');
  } catch (error) {
    const permanent = isPermanentTwilioError(error) || (error instanceof PlatformWebhookError && error.permanent);
    let retry = error;
    try {
      if (permanent) return await failed((error as Error).message);
    } catch (reportError) {
      retry = reportError;
    }
    // May pass (or its report could not be published): the claim is given back and the batch comes again.
    await deps.calls.releaseDial(contactId, attempt).catch((releaseError: unknown) => log.warn({ err: releaseError, contactId }, 'dial claim not released'));
    throw retry;
  }
}
