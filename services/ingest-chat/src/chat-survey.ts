import { Channel, type RoutingEvent } from '@switchboard/contracts';
import {
  customerLanguage, surveyAnswerUpdate, surveyQuestion, surveyRequestOf, surveyThanksText, type ContactPublisher,
} from '@switchboard/ingest-kit';
import { FrameRefusedError, type SystemFrame } from './frames.js';
import { withPending, type ChatSession } from './session-store.js';

/**
 * The chat's satisfaction survey. A SurveyOffered of the session's contact puts a `survey` system
 * frame in the session (shown on the visitor's socket, or at their next connect within the
 * session's life, 24 h) and opens it until the survey's expiry; the visitor answers with a
 * `survey` frame, which becomes a SURVEY_ANSWERED update of the contact. The router keeps the
 * first answer within the window; a second is refused there (and counted), not here.
 */
export function offerChatSurvey(session: ChatSession, event: RoutingEvent): ChatSession {
  const request = surveyRequestOf(event, Channel.CHANNEL_CHAT);
  if (request === undefined || session.contactId !== request.contactId || session.survey !== undefined) return session;
  const id = `survey:${session.contactId}`;
  const text = request.text || surveyQuestion(customerLanguage(request.language || session.form.language), 'choose');
  const frame: SystemFrame = { type: 'system', kind: 'survey', id, text, scores: [1, 2, 3, 4, 5], expiresAt: new Date(request.expiresAtMs).toISOString() };
  return withPending({ ...session, survey: { until: request.expiresAtMs } }, { id, frame });
}

/**
 * A visitor's `survey` frame: published as the contact's SURVEY_ANSWERED (idempotent per frame id),
 * then thanked.
 * @throws FrameRefusedError 409 when no survey was sent in this chat, 410 once its window has passed.
 */
export async function answerChatSurvey(
  session: ChatSession, answer: { id: string; score: number; comment?: string | undefined }, deps: { publisher: ContactPublisher; domain: string; now: () => number },
): Promise<SystemFrame> {
  if (session.survey === undefined) throw new FrameRefusedError(409, 'not_offered', 'no survey was sent in this chat');
  if (deps.now() >= session.survey.until) throw new FrameRefusedError(410, 'survey_expired', 'the survey has closed; thank you all the same');
  const update = surveyAnswerUpdate(deps.domain, Channel.CHANNEL_CHAT, session.contactId,
    { score: answer.score, answerId: answer.id, ...(answer.comment ? { comment: answer.comment } : {}) }, new Date(deps.now()));
  await deps.publisher.publishContactUpdate(update, `${session.sessionId}:survey:${answer.id}`);
  return { type: 'system', kind: 'survey-thanks', id: answer.id, text: surveyThanksText(customerLanguage(session.form.language)) };
}
