import { createHmac, timingSafeEqual } from 'node:crypto';
import { Channel, ContactUpdate, ContactUpdateKind, type RoutingEvent } from '@switchboard/contracts';
import { SURVEY_COMMENT_MAX, SURVEY_SCORE_MAX, SURVEY_SCORE_MIN } from '@switchboard/routing-core';
import type { CustomerLanguage } from './customer-messages.js';

/** Longest survey comment kept (characters), the core's bound. */
export { SURVEY_COMMENT_MAX };

/** The ROUTING event a channel sends its survey on. */
export const SURVEY_OFFERED_EVENT = 'SurveyOffered';

/** A survey to send: the contact, its agent, the question and until when an answer is taken. */
export interface SurveyRequest {
  readonly contactId: string;
  readonly queueId: string;
  readonly agentId: string;
  /** The queue's question in the customer's language, or '' (then the channel says {@link surveyQuestion}). */
  readonly text: string;
  readonly language: string;
  readonly expiresAtMs: number;
}

/** The survey a SurveyOffered event asks for on `channel`, or undefined (another channel's, or not a survey). */
export function surveyRequestOf(event: RoutingEvent, channel: Channel): SurveyRequest | undefined {
  const offered = event.surveyOffered;
  if (!offered || event.channel !== channel || !event.contactId) return undefined;
  return { contactId: event.contactId, queueId: event.queueId, agentId: event.agentId, text: offered.text, language: offered.language,
    expiresAtMs: offered.expiresAt?.getTime() ?? 0 };
}

/** The default question; `how` is how the channel takes the score. */
export function surveyQuestion(language: CustomerLanguage, how: 'reply' | 'press' | 'click' | 'choose'): string {
  const zh = { reply: '请回复数字1-5', press: '请按1到5键', click: '请点击下面的链接', choose: '请选择1-5分' }[how];
  const en = { reply: 'Please reply with a number from 1 to 5', press: 'Please press a key from 1 to 5', click: 'Please follow the link below', choose: 'Please choose from 1 to 5' }[how];
  return language === 'zh'
    ? `感谢您的来访！您对本次服务满意吗？${zh}（1 非常不满意，5 非常满意）。`
    : `Thank you for contacting us! How satisfied were you with our service? ${en} (1 very dissatisfied, 5 very satisfied).`;
}

/** Said or sent once an answer is taken. */
export function surveyThanksText(language: CustomerLanguage): string {
  return language === 'zh' ? '感谢您的评价！' : 'Thank you for your feedback!';
}

/** A score the customer gave (a digit, a reply, a form field), or undefined when it is not a whole number from 1 to 5. */
export function parseSurveyScore(raw: unknown): number | undefined {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  if (!/^[1-5]$/.test(text)) return undefined;
  const score = Number(text);
  return score >= SURVEY_SCORE_MIN && score <= SURVEY_SCORE_MAX ? score : undefined;
}

/** A comment as recorded: trimmed, at most {@link SURVEY_COMMENT_MAX} characters ('' when none). */
export function surveyComment(raw: unknown): string {
  return typeof raw === 'string' ? raw.trim().slice(0, SURVEY_COMMENT_MAX) : '';
}

/**
 * The ContactUpdate recording a customer's answer (SURVEY_ANSWERED). `answerId` names this answer
 * (the channel's message id, or the request's): its idempotency key, so a platform's retry is one
 * answer while a second answer of the customer reaches the router, which refuses and counts it.
 */
export function surveyAnswerUpdate(domain: string, channel: Channel, contactId: string, answer: { score: number; comment?: string; answerId: string }, at: Date): ContactUpdate {
  return ContactUpdate.fromPartial({
    contactId, domain, channel, kind: ContactUpdateKind.CONTACT_UPDATE_KIND_SURVEY_ANSWERED, occurredAt: at,
    messageId: answer.answerId, surveyScore: answer.score, surveyComment: surveyComment(answer.comment),
  });
}

// ---- the signed survey link (email) ----

/** What a survey link names: the contact, and until when it may be answered. */
export interface SurveyLinkClaims {
  readonly domain: string;
  readonly contactId: string;
  readonly expiresAtMs: number;
}

/** Why a survey link is refused. */
export type SurveyLinkProblem = 'malformed' | 'bad-signature' | 'expired';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const mac = (secret: string, payload: string) => createHmac('sha256', secret).update(`survey:v1:${payload}`).digest('base64url');

/**
 * A token for one contact's survey: `<base64url(domain \n contactId \n expiresAtMs)>.<HMAC-SHA256>`,
 * signed with the channel's secret. It names the contact (it cannot be used for another) and
 * expires with the survey window; the router still refuses a second answer.
 */
export function signSurveyLink(secret: string, claims: SurveyLinkClaims): string {
  const payload = b64(`${claims.domain}\n${claims.contactId}\n${Math.floor(claims.expiresAtMs)}`);
  return `${payload}.${mac(secret, payload)}`;
}

/** The claims of a genuine, unexpired token, or the problem with it. Compared in constant time. */
export function verifySurveyLink(secret: string, token: string, nowMs: number): { ok: true; claims: SurveyLinkClaims } | { ok: false; problem: SurveyLinkProblem } {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined || token.length > 1_024) return { ok: false, problem: 'malformed' };
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, problem: 'bad-signature' };
  const [domain, contactId, expires, rest] = Buffer.from(payload, 'base64url').toString('utf8').split('\n');
  const expiresAtMs = Number(expires);
  if (!domain || !contactId || rest !== undefined || !Number.isFinite(expiresAtMs)) return { ok: false, problem: 'malformed' };
  if (nowMs >= expiresAtMs) return { ok: false, problem: 'expired' };
  return { ok: true, claims: { domain, contactId, expiresAtMs } };
}
