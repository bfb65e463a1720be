import type { DurableConsumer } from '@switchboard/bus';
import { Channel, type RoutingEvent } from '@switchboard/contracts';
import { customerLanguage, followRoutingEvents, type ExceptionReason } from '@switchboard/ingest-kit';
import { customerActionFromProto } from '@switchboard/router-api';
import { DEFAULT_CUSTOMER_ACTION } from '@switchboard/routing-core';
import { exceptionTwiml, phoneException } from './exception-twiml.js';
import { isHistory, type PhoneFollowerDeps } from './follower-deps.js';
import { TWILIO_PATHS } from './twilio-paths.js';
import { isPermanentTwilioError } from './twilio-rest.js';
import { PlatformWebhookError } from './platform-webhook.js';

/** The routing events whose action a caller must hear. */
const EXCEPTION_EVENTS = ['ContactRejected', 'ContactExpired'] as const;

/** The words' reason for an event's reason (UNKNOWN_QUEUE: "we cannot queue you now", as QUEUE_FULL). */
function reasonOf(reason: string): ExceptionReason | undefined {
  if (reason === 'CLOSED' || reason === 'MAX_WAIT' || reason === 'QUEUE_FULL') return reason;
  if (reason === 'UNKNOWN_QUEUE') return 'QUEUE_FULL';
  // CALLBACK_FAILED: the caller hung up long ago when they chose the callback; no call to speak to.
  return undefined;
}

/**
 * Follows ContactRejected and ContactExpired of the domain's phone contacts (one durable per
 * event type, shared by the replicas) and makes the caller hear the event's CustomerAction at
 * once: a Twilio call is moved with the REST API (`calls(sid).update({ twiml })`), and the TwiML
 * is kept with the call so the wait URL, should Twilio ask before the update lands, leaves the
 * queue and Enqueue's action plays it; a generic platform's call is told by its webhook.
 * Calls that ended, chose a callback or are unknown here are skipped. A REST or webhook failure
 * that may pass has the batch redelivered; Twilio's final refusal (the call is over) is logged.
 */
export async function followPhoneExceptions(deps: PhoneFollowerDeps): Promise<DurableConsumer[]> {
  const log = deps.logger.child({ component: 'exceptions' });
  return Promise.all(EXCEPTION_EVENTS.map((event) => followRoutingEvents({
    bus: deps.bus,
    domain: deps.domain,
    event,
    durable: `ingest-phone-${deps.domain}-${event === 'ContactRejected' ? 'rejected' : 'expired'}`,
    logger: deps.logger,
    handle: (e) => tellCaller(deps, e, log),
  })));
}

async function tellCaller(deps: PhoneFollowerDeps, event: RoutingEvent, log: PhoneFollowerDeps['logger']): Promise<void> {
  if (event.channel !== Channel.CHANNEL_PHONE || !event.contactId || isHistory(deps, event.occurredAt)) return;
  const body = event.rejected ?? event.expired;
  const reason = reasonOf(body?.reason ?? '');
  if (!body || !reason) return;
  const contactId = event.contactId;
  const call = await deps.calls.get(contactId);
  if (!call || call.ended || call.callbackRequested) return;
  const action = customerActionFromProto(body.action) ?? DEFAULT_CUSTOMER_ACTION;
  const exception = phoneException(customerLanguage(call.language || undefined, deps.defaultLanguage), reason, action);
  if (call.platform === 'generic') {
    if (!deps.platform) return void log.warn({ contactId, reason }, 'no PHONE_PLATFORM_WEBHOOK_URL: the caller is not told');
    try {
      await deps.platform.post({ type: 'action', contactId, callId: call.callId, reason, kind: exception.kind, language: exception.language, text: exception.text });
    } catch (error) {
      if (error instanceof PlatformWebhookError && error.permanent) return void log.warn({ err: error, contactId }, 'platform refused the exception');
      throw error;
    }
    return void log.info({ contactId, reason, kind: exception.kind }, 'exception sent to the platform');
  }
  const base = deps.twilio?.publicUrl.replace(/\/+$/, '');
  const twiml = exceptionTwiml(exception, `${base ?? ''}${TWILIO_PATHS.voicemail}`);
  // Kept first: the wait URL answers with it if Twilio asks before (or without) the REST update.
  await deps.calls.update(contactId, (c) => (c.pendingTwiml === twiml ? c : { ...c, pendingTwiml: twiml }));
  if (!deps.twilio) return void log.info({ contactId, reason }, 'exception kept for the wait URL (no TWILIO_ACCOUNT_SID)');
  try {
    await deps.twilio.rest.update(call.callId, twiml);
  } catch (error) {
    if (isPermanentTwilioError(error)) return void log.info({ err: error, contactId }, 'call no longer in progress; exception not delivered');
    throw error;
  }
  log.info({ contactId, reason, kind: exception.kind }, 'exception played to the caller');
}
