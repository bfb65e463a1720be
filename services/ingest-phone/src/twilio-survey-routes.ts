import type { FastifyInstance } from 'fastify';
import { customerLanguage, parseOrThrow, parseSurveyScore, surveyAnswerUpdate, surveyThanksText, withReceiveSpan } from '@switchboard/ingest-kit';
import { Channel } from '@switchboard/contracts';
import { z } from 'zod';
import { callContactId } from './call-mappers.js';
import { twilioGatherSchema } from './call-schemas.js';
import type { PhoneAppDeps, TwilioSettings } from './deps.js';
import { surveyGatherTwiml, surveyWaitTwiml } from './phone-survey.js';
import { surveyGoodbyeText, surveyRetryText } from './phone-words.js';
import { TWILIO_PATHS } from './twilio-paths.js';
import { formParams, type TwilioRouteKit } from './twilio-routes.js';
import { say, twimlResponse } from './twiml.js';

/** How long a caller whose agent leg ended waits for the survey to be known, by default (the agent's COMPLETE may lag the hang-up). */
export const DEFAULT_SURVEY_WAIT_SECONDS = 6;
const ROUND_SECONDS = 2;
const roundQuery = z.object({ round: z.coerce.number().int().min(0).max(100).default(0), retry: z.enum(['1']).optional() });
const HANG_UP = twimlResponse('<Hangup/>');

/**
 * The phone survey over TwiML. After the agent's leg ends the caller's call continues (Enqueue's
 * action with `QueueResult=bridged` redirects here): `POST /twilio/survey` plays the call's survey
 * as a one-digit `<Gather>` once the SurveyOffered of its contact is known, waiting for it in
 * rounds of 2 s up to `PHONE_SURVEY_WAIT_SECONDS` (6; 0 hangs up at once), and hangs up when the
 * queue has no phone survey. `POST /twilio/survey-answer` records the digit as the contact's
 * SURVEY_ANSWERED (idempotent per call: Twilio's resend is one answer), asks once more for a key
 * that is not 1–5, and thanks the caller.
 */
export function registerTwilioSurveyRoutes(app: FastifyInstance, deps: PhoneAppDeps, twilio: TwilioSettings, kit: TwilioRouteKit): void {
  const { config, log, base } = kit;
  const fallback = deps.defaultLanguage ?? 'zh';
  const rounds = Math.ceil((twilio.surveyWaitSeconds ?? DEFAULT_SURVEY_WAIT_SECONDS) / ROUND_SECONDS);
  const callOf = (callSid: string) => deps.calls.get(callContactId(deps.domain, callSid)).catch((error: unknown) => {
    log.warn({ err: error }, 'call store unreadable; no survey');
    return undefined;
  });

  app.post(TWILIO_PATHS.survey, { config }, (request, reply) => withReceiveSpan('phone', 'twilio.survey', {}, async () => {
    const form = parseOrThrow(twilioGatherSchema, formParams(request));
    const { round } = parseOrThrow(roundQuery, request.query);
    const call = await callOf(form.CallSid);
    const language = customerLanguage(call?.language || undefined, fallback);
    const survey = call?.survey;
    if (survey && !call.surveyAnswered && kit.now().getTime() < survey.until) {
      return reply.type('text/xml').send(surveyGatherTwiml(survey, `${base}${TWILIO_PATHS.surveyAnswer}`, surveyGoodbyeText(language)));
    }
    if (!survey && call && round < rounds) return reply.type('text/xml').send(surveyWaitTwiml(`${base}${TWILIO_PATHS.survey}?round=${round + 1}`, ROUND_SECONDS));
    return reply.type('text/xml').send(HANG_UP);
  }));

  app.post(TWILIO_PATHS.surveyAnswer, { config }, (request, reply) => withReceiveSpan('phone', 'twilio.survey-answer', {}, async () => {
    const form = parseOrThrow(twilioGatherSchema, formParams(request));
    const { retry } = parseOrThrow(roundQuery, request.query);
    const contactId = callContactId(deps.domain, form.CallSid);
    const call = await callOf(form.CallSid);
    const survey = call?.survey;
    const language = customerLanguage(call?.language || undefined, fallback);
    if (!survey) return reply.type('text/xml').send(HANG_UP);
    const score = parseSurveyScore(form.Digits);
    if (score === undefined) {
      if (retry) return reply.type('text/xml').send(twimlResponse(`${say(surveyGoodbyeText(language), survey.language)}<Hangup/>`));
      return reply.type('text/xml').send(surveyGatherTwiml({ text: surveyRetryText(language), language: survey.language },
        `${base}${TWILIO_PATHS.surveyAnswer}?retry=1`, surveyGoodbyeText(language)));
    }
    const thanks = twimlResponse(`${say(surveyThanksText(language), survey.language)}<Hangup/>`);
    if (await kit.resent(request)) return reply.type('text/xml').send(thanks);
    const update = surveyAnswerUpdate(deps.domain, Channel.CHANNEL_PHONE, contactId, { score, answerId: `${form.CallSid}:survey` }, kit.now());
    const published = await deps.publisher.publishContactUpdate(update, `${form.CallSid}:survey`);
    await deps.calls.update(contactId, (c) => (c.surveyAnswered ? c : { ...c, surveyAnswered: true }))
      .catch((error: unknown) => log.warn({ err: error, contactId }, 'survey answer not remembered with the call'));
    await kit.handled(request);
    log.info({ contactId, duplicate: published.duplicate }, 'phone survey answered');
    return reply.type('text/xml').send(thanks);
  }));
}
