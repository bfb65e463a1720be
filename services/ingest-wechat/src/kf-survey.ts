import type { Logger } from 'pino';
import { Channel, type RoutingEvent } from '@switchboard/contracts';
import {
  customerLanguage, parseSurveyScore, surveyAnswerUpdate, surveyQuestion, surveyRequestOf,
} from '@switchboard/ingest-kit';
import { KfServiceState, WeChatSendError, type WeChatApiClient } from '@switchboard/wechat';
import { customerKey, type InboundMessage } from './contact.mapper.js';
import type { ConversationStore } from './conversations.js';
import { budgetInWindow, KF_SEND_BUDGET, KF_SEND_WINDOW_MS } from './kf-notice-plan.js';
import { msgIdOf } from './kf-notifier.js';
import type { KfReplyStore } from './kf-replies.js';

/** What the kf survey needs. */
export interface KfSurveyDeps {
  readonly replies: KfReplyStore;
  readonly conversations: ConversationStore;
  readonly client: Pick<WeChatApiClient, 'sendText'>;
  readonly logger: Logger;
  readonly now: () => number;
}

/**
 * Sends a WeChat Customer Service contact's satisfaction survey as one kf text, within WeChat's
 * budget (5 texts in the 48 hours after the customer's last message, shared with the position and
 * exception texts), and remembers it for the customer, so that their next reply "1".."5" before
 * the survey's expiry is its answer (see {@link surveyAnswerOf}). Not sent when the budget or the
 * window is spent, or while an agent holds the session on WeChat's side (state 2/3: API texts are
 * refused then). The text's msgid is fixed by the contact, so a redelivered event is not sent twice.
 * @throws WeChatSendError (retryable) or BusUnavailableError: the ROUTING batch is redelivered.
 */
export async function sendKfSurvey(deps: KfSurveyDeps, event: RoutingEvent): Promise<void> {
  const request = surveyRequestOf(event, Channel.CHANNEL_WECHAT);
  if (request === undefined) return;
  const log = deps.logger.child({ component: 'kf-survey' });
  const customer = await deps.replies.customerOf(request.contactId);
  if (!customer) return; // an Official Account or WeCom app contact: no customer-service text API here
  const key = customerKey({ source: 'kf', account: customer.openKfid, customerId: customer.externalUserid });
  const conversation = await deps.conversations.latest(key);
  const now = deps.now();
  const skip = (reason: string) => log.info({ contactId: request.contactId, reason }, 'survey text not sent');
  if (!conversation || now - conversation.lastAt >= KF_SEND_WINDOW_MS) return skip('send window closed');
  if (!conversation.ended && (conversation.serviceState === KfServiceState.queued || conversation.serviceState === KfServiceState.agent)) return skip('session with an agent');
  const budget = budgetInWindow(await deps.replies.budget(request.contactId), conversation.lastAt, request.language);
  if (budget.sent >= KF_SEND_BUDGET) return skip('budget spent');
  const text = request.text || surveyQuestion(customerLanguage(request.language || budget.language || undefined), 'reply');
  // Remembered first: a reply racing the send still finds its survey.
  await deps.replies.rememberSurvey(key, { contactId: request.contactId, until: request.expiresAtMs });
  try {
    await deps.client.sendText(customer.openKfid, customer.externalUserid, text, { msgid: msgIdOf(request.contactId, 'survey') });
  } catch (error) {
    if (error instanceof WeChatSendError && !error.retryable) return void log.warn({ contactId: request.contactId, errcode: error.errcode }, 'survey text refused by WeChat');
    throw error;
  }
  await deps.replies.updateBudget(request.contactId, (current) => {
    const b = budgetInWindow(current, conversation.lastAt, request.language);
    return { ...b, sent: b.sent + 1 };
  }).catch((error: unknown) => log.warn({ err: error, contactId: request.contactId }, 'survey text not counted in the budget'));
  log.info({ contactId: request.contactId, queueId: request.queueId }, 'survey text sent');
}

/**
 * Whether a kf customer's message answers their survey: a text that is just a score "1".."5",
 * sent before the survey's expiry. The answer then is a SURVEY_ANSWERED update of the surveyed
 * contact (idempotent by the message's msgid), not a new contact or a message of the open one.
 */
export async function surveyAnswerOf(replies: KfReplyStore | undefined, domain: string, message: InboundMessage) {
  if (message.source !== 'kf' || message.msgType !== 'text' || replies === undefined) return undefined;
  const score = parseSurveyScore(message.content);
  if (score === undefined) return undefined;
  const survey = await replies.surveyOf(customerKey(message));
  if (!survey || message.at.getTime() >= survey.until) return undefined;
  return surveyAnswerUpdate(domain, Channel.CHANNEL_WECHAT, survey.contactId, { score, answerId: message.messageId }, message.at);
}
