import { createHash } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { BusUnavailableError } from '@switchboard/bus';
import { Channel, type RoutingEvent } from '@switchboard/contracts';
import { actionText, customerLanguage, isContactId, type ExceptionReason } from '@switchboard/ingest-kit';
import { customerActionFromProto } from '@switchboard/router-api';
import { getTracer, withSpan, type Logger } from '@switchboard/telemetry';
import type { ReplyTarget, ReplyTargets } from './reply-targets.js';

const tracer = getTracer('@switchboard/ingest-email');

type CustomerAction = NonNullable<ReturnType<typeof customerActionFromProto>>;

/** A `sending` marker younger than this belongs to a delivery still at work: the batch waits. */
const SENDING_STALE_MS = 60_000;

/** Reasons the customer is told of; UNKNOWN_QUEUE carries no action (a configuration fault). */
const REASONS: ReadonlySet<string> = new Set<ExceptionReason>(['CLOSED', 'MAX_WAIT', 'QUEUE_FULL', 'CALLBACK_FAILED']);

/** Options of {@link EmailAcknowledger}. */
export interface EmailAcknowledgerOptions {
  readonly targets: ReplyTargets;
  readonly transport: Pick<Transporter<SMTPTransport.SentMessageInfo>, 'sendMail'>;
  /** `EMAIL_ACK_FROM`. */
  readonly from: string;
  readonly logger: Logger;
  readonly now?: () => number;
}

/**
 * Mails the customer of a rejected or expired email contact the queue's action, once, as a reply
 * to their message (In-Reply-To, References, `Auto-Submitted: auto-replied`), in their language
 * (Content-Language; Chinese and English both when they gave none).
 */
export class EmailAcknowledger {
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(private readonly options: EmailAcknowledgerOptions) {
    this.log = options.logger.child({ component: 'acknowledger' });
    this.now = options.now ?? Date.now;
  }

  /**
   * Handles one ContactRejected or ContactExpired event. The sent-marker (`sending` before the
   * relay is called, `sent` or `failed` after) makes a redelivered batch skip a mail already sent.
   * A relay that refuses for good (5xx) marks it failed and is logged; anything else is thrown.
   * @throws when the relay or the store is unavailable: the batch is redelivered with backoff.
   */
  async handle(event: RoutingEvent): Promise<void> {
    const body = event.rejected ?? event.expired;
    if (event.channel !== Channel.CHANNEL_EMAIL || !body || !isContactId(event.contactId)) return;
    const { contactId } = event;
    const target = await this.options.targets.targetOf(contactId);
    if (!target) return;
    if (!REASONS.has(body.reason)) {
      this.log.warn({ contactId, reason: body.reason }, 'contact turned away without a customer action; no acknowledgment');
      return;
    }
    if (!(await this.claim(contactId))) return;
    const action = customerActionFromProto(body.action) ?? { kind: 'MESSAGE' };
    const mark = (state: 'sent' | 'failed' | 'sending', at: number) => this.options.targets.updateMarker(contactId, () => ({ state, at }));
    try {
      await withSpan(tracer, 'send email smtp.ack', { 'switchboard.channel': 'email', 'switchboard.ack.reason': body.reason }, () =>
        this.options.transport.sendMail(acknowledgment(contactId, target, this.options.from, body.reason as ExceptionReason, action)), { kind: SpanKind.CLIENT });
    } catch (error) {
      const code = (error as { responseCode?: unknown }).responseCode;
      if (typeof code === 'number' && code >= 500) {
        await mark('failed', this.now());
        this.log.warn({ contactId, reason: body.reason, responseCode: code }, 'acknowledgment refused by the relay');
        return;
      }
      await mark('sending', 0);
      throw error;
    }
    await mark('sent', this.now());
    this.log.info({ contactId, reason: body.reason, action: action.kind }, 'acknowledgment sent');
  }

  /** Takes the marker; false when the acknowledgment was already sent (or refused for good). */
  private async claim(contactId: string): Promise<boolean> {
    const now = this.now();
    let busy = false;
    const marker = await this.options.targets.updateMarker(contactId, (current) => {
      busy = current?.state === 'sending' && now - current.at < SENDING_STALE_MS;
      if (busy || current?.state === 'sent' || current?.state === 'failed') return undefined;
      return { state: 'sending', at: now };
    });
    if (busy) throw new BusUnavailableError('acknowledgment being sent by another delivery');
    return marker !== undefined;
  }
}

/** The acknowledgment mail: a reply to the customer's message, marked as automatic. */
export function acknowledgment(contactId: string, target: ReplyTarget, from: string, reason: ExceptionReason, action: CustomerAction) {
  const tag = target.language ? customerLanguage(target.language) : undefined;
  const text = tag ? actionText(tag, reason, action) : `${actionText('zh', reason, action)}\n\n${actionText('en', reason, action)}`;
  const subject = /^re:/i.test(target.subject) ? target.subject : `Re: ${target.subject}`.trimEnd();
  const domain = /@([^\s@<>]+)>?\s*$/.exec(from)?.[1] ?? 'switchboard.invalid';
  return {
    from,
    to: target.name ? { name: target.name, address: target.address } : target.address,
    subject,
    // Fixed by the contact: a resend after a crash mid-send threads as the same message.
    messageId: `<ack-${createHash('sha256').update(contactId).digest('hex').slice(0, 32)}@${domain}>`,
    inReplyTo: target.messageId,
    references: [...target.references.filter((id) => id !== target.messageId), target.messageId],
    text,
    headers: {
      // RFC 3834: an automatic reply, so auto-responders do not answer it.
      'Auto-Submitted': 'auto-replied',
      'X-Auto-Response-Suppress': 'All',
      ...(tag ? { 'Content-Language': tag === 'zh' ? 'zh-CN' : 'en' } : {}),
    },
  };
}
