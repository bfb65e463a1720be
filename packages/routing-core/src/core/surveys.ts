import { RoutingError, RoutingErrorCode } from '../errors.js';
import type { Channel } from '../model/channel.js';
import type { RoutingOutcome } from '../model/outcome.js';
import {
  DEFAULT_SURVEY_WINDOW_SECONDS, SURVEY_COMMENT_MAX, SURVEY_SCORE_MAX, SURVEY_SCORE_MIN, surveysChannel, type SurveyRefusal,
} from '../model/survey.js';
import type { ContactRec, QueueRec } from './records.js';
import type { EngineState } from './state.js';

/**
 * An open survey: a completed contact whose customer may still answer, with what the answer is
 * recorded against (the contact's queue, channel and agent). Kept from the completion until the
 * window ends, answered or not, so a second answer is told apart from a first.
 */
export interface SurveyRec {
  readonly contactId: string;
  readonly queueId: string;
  readonly channel: Channel;
  readonly agentId: string;
  readonly arrivedAtMs: number;
  readonly enqueuedAtMs: number;
  readonly expiresAtMs: number;
  answered: boolean;
}

const refused = (reason: SurveyRefusal): RoutingOutcome => ({ kind: 'stale', reason });

/** At a completion: when the contact's queue surveys its channel, the survey goes out (SurveyOffered) and is open until its window ends. */
export function offerSurvey(s: EngineState, q: QueueRec, c: ContactRec, agentId: string): void {
  const policy = q.config.survey;
  if (!surveysChannel(policy, c.input.channel) || s.surveys.has(c.id)) return;
  const expiresAtMs = s.now + (policy?.windowSeconds ?? DEFAULT_SURVEY_WINDOW_SECONDS) * 1000;
  s.surveys.set(c.id, { contactId: c.id, queueId: c.queueId, channel: c.input.channel, agentId, arrivedAtMs: c.arrivedAtMs,
    enqueuedAtMs: c.enqueuedAtMs, expiresAtMs, answered: false });
  const language = c.input.language;
  const text = textFor(policy?.texts, language);
  s.emit({ type: 'SurveyOffered', ...s.contactFields(c), agentId, expiresAtMs, ...(language ? { language } : {}), ...(text ? { text } : {}) });
}

/** The queue's question for a language tag: the exact tag's, else its primary language's ("zh-CN" → "zh"). */
function textFor(texts: Readonly<Record<string, string>> | undefined, language: string | undefined): string | undefined {
  if (texts === undefined || language === undefined) return undefined;
  return Object.hasOwn(texts, language) ? texts[language] : Object.hasOwn(texts, language.split('-')[0]!) ? texts[language.split('-')[0]!] : undefined;
}

/**
 * ANSWER_SURVEY: the first answer within the window is recorded (SurveyAnswered); any other is
 * refused as a `stale` outcome with its reason, which the router counts.
 * @throws RoutingError INVALID_SURVEY_ANSWER for a score that is not a whole number in 1–5.
 */
export function answerSurvey(s: EngineState, contactId: string, score: number, comment: string | undefined, answeredAtMs: number): RoutingOutcome {
  if (!Number.isInteger(score) || score < SURVEY_SCORE_MIN || score > SURVEY_SCORE_MAX) {
    throw new RoutingError(RoutingErrorCode.INVALID_SURVEY_ANSWER, `score must be a whole number from ${SURVEY_SCORE_MIN} to ${SURVEY_SCORE_MAX}, got ${score}`);
  }
  const survey = s.surveys.get(contactId);
  if (survey === undefined) return refused('NO_SURVEY');
  if (survey.answered) return refused('ALREADY_ANSWERED');
  // The channel's clock says when the customer answered; it may lag ours, never lead it.
  const at = Math.min(answeredAtMs, s.now);
  if (at >= survey.expiresAtMs) return refused('WINDOW_CLOSED');
  survey.answered = true;
  const text = comment?.trim().slice(0, SURVEY_COMMENT_MAX) ?? '';
  s.emit({ type: 'SurveyAnswered', contactId, queueId: survey.queueId, channel: survey.channel, arrivedAtMs: survey.arrivedAtMs,
    enqueuedAtMs: survey.enqueuedAtMs, agentId: survey.agentId, score, ...(text ? { comment: text } : {}), answeredAtMs: at });
  return { kind: 'applied' };
}

/**
 * Forgets surveys whose window has ended, oldest offered first, stopping at the first still open.
 * A short-window survey behind a longer-window one lingers until that one ends, so the map holds
 * at most the surveys offered within the longest window of any queue (7 days at most).
 */
export function pruneSurveys(s: EngineState): void {
  for (const [id, survey] of s.surveys) {
    if (survey.expiresAtMs > s.now) return;
    s.surveys.delete(id);
  }
}
