import type { DurableConsumer } from '@switchboard/bus';
import { Channel, type RoutingEvent } from '@switchboard/contracts';
import { customerLanguage, followRoutingEvents, sayLanguage, SURVEY_OFFERED_EVENT, surveyQuestion, surveyRequestOf } from '@switchboard/ingest-kit';
import type { PhoneFollowerDeps } from './follower-deps.js';
import { PlatformWebhookError } from './platform-webhook.js';
import { escapeXml, say, twimlResponse } from './twiml.js';

/**
 * Follows SurveyOffered of the domain's phone contacts (durable `ingest-phone-<domain>-survey`).
 * A Twilio call keeps the survey in its record: after the agent's leg ends, the caller's call
 * continues (Enqueue's action, `bridged`) into `/twilio/survey`, which plays it as a `<Gather>`
 * of one digit. A generic platform's call is sent a `survey` request by the platform webhook,
 * and the platform reports the digit back as a `survey_answered` event. Calls that ended or
 * chose a callback are skipped (nobody is on the line to ask).
 */
export async function followPhoneSurveys(deps: PhoneFollowerDeps): Promise<DurableConsumer> {
  const log = deps.logger.child({ component: 'phone-survey' });
  return followRoutingEvents({
    bus: deps.bus, domain: deps.domain, event: SURVEY_OFFERED_EVENT, durable: `ingest-phone-${deps.domain}-survey`, logger: deps.logger,
    handle: async (event: RoutingEvent) => {
      const request = surveyRequestOf(event, Channel.CHANNEL_PHONE);
      if (request === undefined) return;
      const call = await deps.calls.get(request.contactId);
      if (!call || call.ended || call.callbackRequested) return;
      const language = customerLanguage(request.language || call.language || undefined, deps.defaultLanguage);
      const survey = { text: request.text || surveyQuestion(language, 'press'), language: sayLanguage(language), until: request.expiresAtMs };
      if (call.platform === 'twilio') {
        await deps.calls.update(request.contactId, (c) => (c.survey ? c : { ...c, survey }));
        return void log.info({ contactId: request.contactId }, 'survey kept for the call');
      }
      if (!deps.platform) return void log.warn({ contactId: request.contactId }, 'no PHONE_PLATFORM_WEBHOOK_URL: the caller is not surveyed');
      try {
        await deps.platform.post({ type: 'survey', contactId: request.contactId, callId: call.callId, language: survey.language, text: survey.text,
          expiresAt: new Date(request.expiresAtMs).toISOString() });
      } catch (error) {
        if (error instanceof PlatformWebhookError && error.permanent) return void log.warn({ err: error, contactId: request.contactId }, 'platform refused the survey');
        throw error;
      }
      log.info({ contactId: request.contactId }, 'survey sent to the platform');
    },
  });
}

/** The survey of a call, as `<Gather>`: one digit, posted to `action`; silence says goodbye. */
export function surveyGatherTwiml(survey: { text: string; language: string }, action: string, goodbye: string): string {
  return twimlResponse(`<Gather input="dtmf" numDigits="1" timeout="8" action="${escapeXml(action)}" method="POST">${say(survey.text, survey.language)}</Gather>`
    + `${say(goodbye, survey.language)}<Hangup/>`);
}

/** While the survey is not known yet (the agent has not completed): a short pause, then ask again. */
export function surveyWaitTwiml(next: string, pauseSeconds: number): string {
  return twimlResponse(`<Pause length="${pauseSeconds}"/><Redirect method="POST">${escapeXml(next)}</Redirect>`);
}
