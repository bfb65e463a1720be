import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Channel } from '@switchboard/contracts';
import {
  parseSurveyScore, SURVEY_COMMENT_MAX, surveyAnswerUpdate, surveyQuestion, surveyThanksText, verifySurveyLink, withReceiveSpan,
  type ContactPublisher, type SurveyLinkProblem,
} from '@switchboard/ingest-kit';

import type { SurveyLinkSettings } from './email-survey.js';

/** Largest survey form: a score and a comment of {@link SURVEY_COMMENT_MAX} characters, URL-encoded (up to 9 bytes a character). */
export const SURVEY_FORM_LIMIT_BYTES = 8 * 1024;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const html = (text: string) => text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/** A small page: the survey form, a thank-you, or why the link does not work. */
function page(title: string, body: string, lang: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<meta name="robots" content="noindex"><title>${html(title)}</title></head><body style="font-family:sans-serif;max-width:36em;margin:2em auto;padding:0 1em">${body}</body></html>`;
}

const PROBLEM: Record<SurveyLinkProblem | 'missing', { status: number; text: string }> = {
  missing: { status: 401, text: 'This survey link has no token. Please open it from the email. / 链接缺少凭证，请从邮件中打开。' },
  malformed: { status: 400, text: 'This survey link is not complete. Please open it again from the email. / 链接不完整，请从邮件中重新打开。' },
  'bad-signature': { status: 403, text: 'This survey link is not valid. / 此评价链接无效。' },
  expired: { status: 410, text: 'This survey has closed. Thank you all the same. / 本次评价已结束，感谢您的关注。' },
};

/**
 * The email survey's pages on the service's HTTP server, for the customer's browser (no platform
 * signature: the link's own HMAC, per contact and expiring, is the credential):
 * `GET /v1/surveys?token=` shows a form (score 1–5, optional comment); `POST /v1/surveys?token=`
 * (form-encoded `score`, `comment`) records the answer as the contact's SURVEY_ANSWERED update
 * and thanks the customer. A link without its token is 401, a bad one 400 (malformed), 403
 * (tampered, another secret's or another domain's) or 410 (expired); a score outside 1–5 or a comment over 500 characters is 400 with the form again.
 * Every POST is an answer: the router keeps the first and refuses (and counts) the others.
 */
export async function registerSurveyRoutes(app: FastifyInstance, deps: { links: SurveyLinkSettings; publisher: ContactPublisher; domain: string; now: () => Date }): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: SURVEY_FORM_LIMIT_BYTES }, (_request, body: string, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body)));
    });
    const claimsOr = (token: string, reply: FastifyReply) => {
      const verified = verifySurveyLink(deps.links.secret, token, deps.now().getTime());
      if (verified.ok && verified.claims.domain === deps.domain) return verified.claims;
      const problem = PROBLEM[token === '' ? 'missing' : verified.ok ? 'bad-signature' : verified.problem];
      void reply.code(problem.status).type('text/html; charset=utf-8').send(page('Survey', `<p>${html(problem.text)}</p>`, 'en'));
      return undefined;
    };
    scope.get<{ Querystring: { token?: string } }>('/v1/surveys', (request, reply) => {
      const token = tokenOf(request.query);
      const claims = claimsOr(token, reply);
      if (!claims) return reply;
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(form(token, ''));
    });
    scope.post<{ Querystring: { token?: string }; Body: Record<string, unknown> | undefined }>('/v1/surveys', (request, reply) => withReceiveSpan('email', 'survey.answer', {}, async () => {
      const token = tokenOf(request.query);
      const claims = claimsOr(token, reply);
      if (!claims) return reply;
      const body = request.body ?? {};
      const score = parseSurveyScore(body.score);
      const comment = typeof body.comment === 'string' ? body.comment.trim() : '';
      if (score === undefined || comment.length > SURVEY_COMMENT_MAX) {
        const why = score === undefined ? 'score: choose a number from 1 to 5 / 请选择1-5分' : `comment: at most ${SURVEY_COMMENT_MAX} characters / 留言最多${SURVEY_COMMENT_MAX}字`;
        return reply.code(400).type('text/html; charset=utf-8').send(form(token, why));
      }
      const answerId = randomUUID();
      const update = surveyAnswerUpdate(deps.domain, Channel.CHANNEL_EMAIL, claims.contactId, { score, comment, answerId }, deps.now());
      await deps.publisher.publishContactUpdate(update, `survey:${claims.contactId}:${answerId}`);
      request.log.info({ contactId: claims.contactId }, 'email survey answered');
      return reply.type('text/html; charset=utf-8').send(page('Thank you', `<p>${html(surveyThanksText('zh'))}</p><p>${html(surveyThanksText('en'))}</p>`, 'en'));
    }));
  });
}

/** The link's token (`?token=`; a query, not a path segment: the router caps path parameters at 100 characters). */
function tokenOf(query: { token?: unknown }): string {
  return typeof query.token === 'string' ? query.token : '';
}

/** The survey form, posting back to its own link; `problem` says what to correct. */
function form(token: string, problem: string): string {
  const scores = [1, 2, 3, 4, 5].map((n) => `<label style="margin-right:1em"><input type="radio" name="score" value="${n}" required> ${n}</label>`).join('');
  const body = `<p>${html(surveyQuestion('zh', 'choose'))}</p><p>${html(surveyQuestion('en', 'choose'))}</p>`
    + (problem ? `<p role="alert" style="color:#b00">${html(problem)}</p>` : '')
    + `<form method="post" action="/v1/surveys?token=${html(encodeURIComponent(token))}"><p>${scores}</p>`
    + `<p><label>Comment / 留言 (optional)<br><textarea name="comment" maxlength="${SURVEY_COMMENT_MAX}" rows="4" style="width:100%"></textarea></label></p>`
    + '<p><button type="submit">Send / 提交</button></p></form>';
  return page('Survey / 满意度评价', body, 'zh-CN');
}
