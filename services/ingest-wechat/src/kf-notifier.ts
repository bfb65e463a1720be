import { createHash } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { BusUnavailableError } from '@switchboard/bus';
import { Channel, type CustomerNotice, type RoutingEvent } from '@switchboard/contracts';
import {
  actionText, callbackOfferText, customerLanguage, isContactId, positionText, type CustomerLanguage, type ExceptionReason,
} from '@switchboard/ingest-kit';
import { customerActionFromProto } from '@switchboard/router-api';
import { getTracer, withSpan } from '@switchboard/telemetry';
import { KfServiceState, WeChatSendError, type WeChatApiClient } from '@switchboard/wechat';
import { customerKey } from './contact.mapper.js';
import type { ConversationStore } from './conversations.js';
import { DEFAULT_NOTICE_PACING, KF_SEND_WINDOW_MS, planPosition, type NoticePacing, type PositionPlan } from './kf-notice-plan.js';
import type { KfCustomer, KfReplyStore, ReplyBudget } from './kf-replies.js';

const tracer = getTracer('@switchboard/ingest-wechat');

/** A `sending` marker younger than this belongs to a delivery still at work: the batch waits. */
const SENDING_STALE_MS = 30_000;

/** Exception reasons the customer is told of; UNKNOWN_QUEUE carries no action (a configuration fault). */
const EXCEPTION_REASONS: ReadonlySet<string> = new Set<ExceptionReason>(['CLOSED', 'MAX_WAIT', 'QUEUE_FULL', 'CALLBACK_FAILED']);

/** Options of {@link KfNotifier}. */
export interface KfNotifierOptions {
  readonly replies: KfReplyStore;
  readonly conversations: ConversationStore;
  readonly client: Pick<WeChatApiClient, 'sendText'>;
  readonly logger: Logger;
  readonly pacing?: NoticePacing;
  readonly now?: () => number;
}

/**
 * Talks back to waiting WeChat Customer Service customers with `kf/send_msg` texts: the position
 * notices of queue-service's announcer (paced and capped, see `planPosition`) and, once, the
 * action of a rejected or expired contact. Contacts of Official Accounts and WeCom apps are left
 * alone: this service has no customer-service message API for them.
 */
export class KfNotifier {
  private readonly log: Logger;
  private readonly pacing: NoticePacing;
  private readonly now: () => number;

  constructor(private readonly options: KfNotifierOptions) {
    this.log = options.logger.child({ component: 'kf-notifier' });
    this.pacing = options.pacing ?? DEFAULT_NOTICE_PACING;
    this.now = options.now ?? Date.now;
  }

  /**
   * Sends the notice's position (and the callback offer it carries) when its plan says so. The
   * budget is taken before sending and given back when WeChat refuses, so replicas never overspend.
   * Failures are logged by the caller; the next notice replaces this one.
   */
  async deliverNotice(notice: CustomerNotice): Promise<void> {
    const target = await this.waitingCustomer(notice.contactId);
    if (!target) return;
    const now = this.now();
    let plan: PositionPlan | undefined;
    let previous: ReplyBudget | undefined;
    await this.options.replies.updateBudget(notice.contactId, (current) => {
      previous = current;
      plan = planPosition(current, { position: notice.position, callbackOffered: notice.callbackOffered, language: notice.language }, target.windowFrom, now, this.pacing);
      return plan.budget;
    });
    if (plan?.kind !== 'send') {
      this.log.debug({ contactId: notice.contactId, reason: plan?.reason }, 'position text skipped');
      return;
    }
    const planned = plan.budget;
    const language = customerLanguage(planned.language || undefined);
    const text = joined(language, positionText(language, notice.position, notice.estimatedWaitSeconds), notice.callbackOffered ? callbackOfferText(language, 'leave-number') : '');
    try {
      await this.send(target.customer, text, msgIdOf(notice.contactId, `p${planned.positions}`), 'position');
      this.log.info({ contactId: notice.contactId, queueId: notice.queueId, position: notice.position, texts: planned.sent }, 'position text sent');
    } catch (error) {
      // WeChat sent nothing: the reservation goes back unless another notice moved on since.
      await this.options.replies.updateBudget(notice.contactId, (current) => (current?.lastPositionAt === planned.lastPositionAt && current.positions === planned.positions
        ? { ...current, sent: Math.max(0, current.sent - 1), positions: current.positions - 1, lastPositionAt: previous?.lastPositionAt ?? 0, lastPosition: previous?.lastPosition ?? 0, callbackOffered: previous?.callbackOffered ?? false }
        : undefined)).catch((rollback: unknown) => this.log.warn({ err: rollback, contactId: notice.contactId }, 'position budget not given back'));
      throw error;
    }
  }

  /**
   * Tells the customer of a rejected or expired WeChat contact what the queue's action says, once:
   * the sent-marker (`sending` before the call, `sent` or `failed` after) makes a redelivered batch
   * skip it, and the text's fixed msgid makes WeChat refuse a resend after a crash mid-call. Then
   * ends the conversation, so the customer's next message opens a new contact.
   * @throws WeChatSendError when WeChat failed in a way worth retrying, BusUnavailableError when
   * the store is down: the ROUTING batch is redelivered with backoff.
   */
  async sendException(event: RoutingEvent): Promise<void> {
    const body = event.rejected ?? event.expired;
    if (event.channel !== Channel.CHANNEL_WECHAT || !body || !isContactId(event.contactId)) return;
    const { contactId } = event;
    const customer = await this.options.replies.customerOf(contactId);
    if (!customer) return;
    if (!EXCEPTION_REASONS.has(body.reason)) {
      this.log.warn({ contactId, reason: body.reason }, 'contact turned away without a customer action; nothing sent');
      return;
    }
    const key = customerKey({ source: 'kf', account: customer.openKfid, customerId: customer.externalUserid });
    const marker = await this.options.replies.marker(contactId);
    if (marker?.state === 'sent' || marker?.state === 'failed') {
      await this.options.conversations.endContact(key, contactId);
      return;
    }
    const conversation = await this.options.conversations.current(key);
    const open = conversation?.contactId === contactId && this.now() - conversation.lastAt < KF_SEND_WINDOW_MS;
    if (open && (await this.claim(contactId))) {
      const budget = await this.options.replies.budget(contactId);
      const language = customerLanguage(budget?.language || undefined);
      const text = actionText(language, body.reason as ExceptionReason, customerActionFromProto(body.action) ?? { kind: 'MESSAGE' });
      await this.sendOnce(contactId, customer, text, body.reason);
    } else if (!open) {
      this.log.info({ contactId, reason: body.reason }, 'exception text not sent: the session is over or its send window closed');
    }
    await this.options.conversations.endContact(key, contactId);
  }

  /** Takes the sent-marker; false when the text was already sent (or refused for good). */
  private async claim(contactId: string): Promise<boolean> {
    const now = this.now();
    let busy = false;
    const marker = await this.options.replies.updateMarker(contactId, (current) => {
      busy = current?.state === 'sending' && now - current.at < SENDING_STALE_MS;
      if (busy || current?.state === 'sent' || current?.state === 'failed') return undefined;
      return { state: 'sending', at: now };
    });
    if (busy) throw new BusUnavailableError('exception text being sent by another delivery');
    return marker !== undefined;
  }

  private async sendOnce(contactId: string, customer: KfCustomer, text: string, reason: string): Promise<void> {
    const mark = (state: 'sent' | 'failed' | 'sending', at: number) => this.options.replies.updateMarker(contactId, () => ({ state, at }));
    try {
      await this.send(customer, text, msgIdOf(contactId, 'x'), 'exception');
    } catch (error) {
      if (error instanceof WeChatSendError && !error.retryable) {
        await mark('failed', this.now());
        this.log.warn({ contactId, reason, sendFailure: error.reason, errcode: error.errcode }, 'exception text refused by WeChat');
        return;
      }
      // Retry at once on redelivery: at 0 the marker counts as stale.
      await mark('sending', 0);
      throw error;
    }
    await mark('sent', this.now());
    await this.options.replies.updateBudget(contactId, (current) => (current ? { ...current, sent: current.sent + 1 } : undefined))
      .catch((error: unknown) => this.log.warn({ err: error, contactId }, 'exception text not counted in the budget'));
    this.log.info({ contactId, reason }, 'exception text sent');
  }

  /** The kf customer of a contact still waiting in its open session, and where its send window starts. */
  private async waitingCustomer(contactId: string): Promise<{ customer: KfCustomer; windowFrom: number } | undefined> {
    if (!isContactId(contactId)) return undefined;
    const customer = await this.options.replies.customerOf(contactId);
    if (!customer) return undefined;
    const conversation = await this.options.conversations.current(customerKey({ source: 'kf', account: customer.openKfid, customerId: customer.externalUserid }));
    if (!conversation || conversation.contactId !== contactId) return undefined;
    // WeChat takes API texts only while the session is new or with the bot.
    const state = conversation.serviceState;
    if (state !== undefined && state !== KfServiceState.new && state !== KfServiceState.bot) return undefined;
    return { customer, windowFrom: conversation.lastAt };
  }

  private send(customer: KfCustomer, text: string, msgid: string, kind: 'position' | 'exception'): Promise<string> {
    return withSpan(tracer, 'send wechat kf.send_msg', { 'switchboard.channel': 'wechat', 'switchboard.notice.kind': kind }, () =>
      this.options.client.sendText(customer.openKfid, customer.externalUserid, text, { msgid }), { kind: SpanKind.CLIENT });
  }
}

/** Two sentences as one text: Chinese runs them together, English puts a space between. */
function joined(language: CustomerLanguage, first: string, second: string): string {
  if (!second) return first;
  return language === 'zh' ? `${first}${second}` : `${first} ${second}`;
}

/** A send_msg msgid fixed by the contact and the text's purpose (32 of `[A-Za-z0-9_-]`). */
export function msgIdOf(contactId: string, purpose: string): string {
  return `sb${createHash('sha256').update(`${contactId}\n${purpose}`).digest('base64url').slice(0, 30)}`;
}
