import type { FastifyInstance } from 'fastify';
import { BusUnavailableError } from '@switchboard/bus';
import {
  callbackConfirmedText, callbackOfferText, customerLanguage, parseOrThrow, positionText, sayLanguage, withReceiveSpan, type CustomerLanguage,
} from '@switchboard/ingest-kit';
import { callbackRequestedUpdate, callContactId, voicemailUpdate } from './call-mappers.js';
import { twilioGatherSchema, twilioQueueLeftSchema, twilioRecordingSchema, twilioWaitSchema } from './call-schemas.js';
import type { PhoneCall } from './call-store.js';
import type { PhoneAppDeps, TwilioSettings } from './deps.js';
import { callbackNumberRefusedText, pleaseHoldText } from './phone-words.js';
import { TWILIO_PATHS } from './twilio-paths.js';
import { formParams, type TwilioRouteKit } from './twilio-routes.js';
import { backToWaitTwiml, callbackConfirmedTwiml, LEAVE_QUEUE_TWIML, waitTwiml } from './twiml-wait.js';
import { EMPTY_TWIML, escapeXml, twimlResponse } from './twiml.js';
import { E164 } from '@switchboard/routing-core';

/** The wait round's pause without hold music, by default: the announcers' default cadence. */
export const DEFAULT_WAIT_PAUSE_SECONDS = 60;

/**
 * The wait flow of a queued Twilio call: `POST /twilio/wait` (each round: where the caller stands,
 * the callback offer, hold), `POST /twilio/callback-choice` (the offer's digit), `POST
 * /twilio/queue-left` (Enqueue's action) and `POST /twilio/voicemail` (an exception's recording).
 *
 * The read-only answers (wait, queue-left) are verified but not remembered: a replayed copy hears
 * TwiML and changes nothing. The ones that publish (callback-choice, voicemail) are answered as
 * duplicates when Twilio resends them, like the voice webhook.
 */
export function registerTwilioWaitRoutes(app: FastifyInstance, deps: PhoneAppDeps, twilio: TwilioSettings, kit: TwilioRouteKit): void {
  const { config, log } = kit;
  const fallback = deps.defaultLanguage ?? 'zh';
  const hold = { ...(twilio.holdMusicUrl ? { musicUrl: twilio.holdMusicUrl } : {}), pauseSeconds: twilio.pauseSeconds ?? DEFAULT_WAIT_PAUSE_SECONDS };
  /** The call's record, or undefined when the store cannot be read now (the caller still hears a round). */
  const callOf = (contactId: string) => deps.calls.get(contactId).catch((error: unknown) => {
    log.warn({ err: error, contactId }, 'call store unreadable; answering without it');
    return undefined;
  });
  const languageOf = (call: PhoneCall | undefined, tag?: string): CustomerLanguage => customerLanguage(tag || call?.language || undefined, fallback);

  app.post(TWILIO_PATHS.wait, { config }, (request, reply) => withReceiveSpan('phone', 'twilio.wait', {}, async () => {
    const wait = parseOrThrow(twilioWaitSchema, formParams(request));
    const contactId = callContactId(deps.domain, wait.CallSid);
    const call = await callOf(contactId);
    // An exception's TwiML that the REST update has not delivered yet: leave the queue, Enqueue's action plays it.
    if (call?.pendingTwiml) return reply.type('text/xml').send(LEAVE_QUEUE_TWIML);
    const notice = deps.notices.get(contactId);
    const language = languageOf(call, notice?.language);
    const spoken = sayLanguage(language);
    if (!notice) return reply.type('text/xml').send(waitTwiml({ language: spoken, announcement: pleaseHoldText(language), hold }));
    const announcement = positionText(language, notice.position, notice.estimatedWaitSeconds);
    const offer = notice.callbackRequested || call?.callbackRequested ? undefined : { text: callbackOfferText(language, 'press-1'), action: `${kit.base}${TWILIO_PATHS.callbackChoice}` };
    return reply.type('text/xml').send(waitTwiml({ language: spoken, announcement, hold, ...(offer ? { offer } : {}) }));
  }));

  app.post(TWILIO_PATHS.callbackChoice, { config }, (request, reply) => withReceiveSpan('phone', 'twilio.callback-choice', {}, async () => {
    const choice = parseOrThrow(twilioGatherSchema, formParams(request));
    const contactId = callContactId(deps.domain, choice.CallSid);
    const call = await callOf(contactId);
    const language = languageOf(call, deps.notices.get(contactId)?.language);
    const spoken = sayLanguage(language);
    if (choice.Digits !== '1') return reply.type('text/xml').send(backToWaitTwiml(kit.waitUrl));
    const number = choice.From ?? '';
    if (!E164.test(number)) {
      log.info({ contactId }, 'callback refused: the caller\'s number is not E.164');
      return reply.type('text/xml').send(backToWaitTwiml(kit.waitUrl, callbackNumberRefusedText(language), spoken));
    }
    const confirmed = callbackConfirmedTwiml(callbackConfirmedText(language), spoken);
    if (await kit.resent(request)) return reply.type('text/xml').send(confirmed);
    try {
      const update = callbackRequestedUpdate(deps.domain, contactId, number, choice.CallSid, kit.now(), [{ key: 'platform', value: 'twilio' }]);
      const published = await deps.publisher.publishContactUpdate(update, `${choice.CallSid}:callback-requested`);
      log.info({ contactId, duplicate: published.duplicate }, 'callback requested');
    } catch (error) {
      if (!(error instanceof BusUnavailableError)) throw error;
      // A 5xx would play the caller Twilio's application error and end the call: they wait on instead,
      // still queued, and may press 1 again.
      log.warn({ err: error, contactId }, 'callback request not recorded; caller keeps waiting');
      return reply.type('text/xml').send(backToWaitTwiml(kit.waitUrl));
    }
    // Remembered for the hang-up that follows (not an abandonment). The engine ignores that hang-up
    // anyway once the callback is recorded, so a failure here only leaves the record less clean.
    await deps.calls.update(contactId, (c) => (c.callbackRequested ? c : { ...c, callbackRequested: true }))
      .catch((error: unknown) => log.warn({ err: error, contactId }, 'callback choice not remembered'));
    await kit.handled(request);
    return reply.type('text/xml').send(confirmed);
  }));

  app.post(TWILIO_PATHS.queueLeft, { config }, (request, reply) => withReceiveSpan('phone', 'twilio.queue-left', {}, async () => {
    const left = parseOrThrow(twilioQueueLeftSchema, formParams(request));
    // The agent's leg ended and the caller is still on the line: on into the survey.
    if (left.QueueResult === 'bridged') return reply.type('text/xml').send(twimlResponse(`<Redirect method="POST">${escapeXml(`${kit.base}${TWILIO_PATHS.survey}`)}</Redirect>`));
    if (left.QueueResult !== 'leave') return reply.type('text/xml').send(EMPTY_TWIML);
    const call = await callOf(callContactId(deps.domain, left.CallSid));
    return reply.type('text/xml').send(call?.pendingTwiml ?? twimlResponse('<Hangup/>'));
  }));

  app.post(TWILIO_PATHS.voicemail, { config }, (request, reply) => withReceiveSpan('phone', 'twilio.voicemail', {}, async () => {
    const recording = parseOrThrow(twilioRecordingSchema, formParams(request));
    const contactId = callContactId(deps.domain, recording.CallSid);
    const hangUp = twimlResponse('<Hangup/>');
    if (await kit.resent(request)) return reply.type('text/xml').send(hangUp);
    const voicemail = { sid: recording.RecordingSid, url: recording.RecordingUrl, durationSeconds: Number(recording.RecordingDuration ?? 0) };
    const published = await deps.publisher.publishContactUpdate(voicemailUpdate(deps.domain, contactId, voicemail, kit.now()), `${recording.RecordingSid}:voicemail`);
    await deps.calls.update(contactId, (c) => ({ ...c, voicemail: { recordingSid: voicemail.sid, url: voicemail.url, durationSeconds: voicemail.durationSeconds } }))
      .catch((error: unknown) => log.warn({ err: error, contactId }, 'voicemail not kept with the call (it is on CONTACTS)'));
    await kit.handled(request);
    log.info({ contactId, recordingSid: voicemail.sid, durationSeconds: voicemail.durationSeconds, duplicate: published.duplicate }, 'voicemail left');
    return reply.type('text/xml').send(hangUp);
  }));
}
