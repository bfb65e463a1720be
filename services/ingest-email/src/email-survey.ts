import { createHash } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { DurableConsumer } from '@switchboard/bus';
import { Channel, type RoutingEvent } from '@switchboard/contracts';
import {
  customerLanguage, followRoutingEvents, IngestConfigError, optionalSecret, signSurveyLink, SURVEY_OFFERED_EVENT, surveyQuestion, surveyRequestOf,
  type IngestBus, type SurveyRequest,
} from '@switchboard/ingest-kit';
import { getTracer, withSpan, type Logger } from '@switchboard/telemetry';
import { ACK_MAX_DELIVER } from './ack-follower.js';
import type { ReplyTarget, ReplyTargets } from './reply-targets.js';

const tracer = getTracer('@switchboard/ingest-email');

/** Where survey links point and what signs them. */
export interface SurveyLinkSettings {
  /** `EMAIL_SURVEY_SECRET` (at least 32 characters): the HMAC key of the links. */
  readonly secret: string;
  /** `EMAIL_SURVEY_URL`: the public base URL of this service's HTTP server, e.g. `https://mail.example.com`. */
  readonly baseUrl: string;
}

/**
 * The survey link settings, or undefined when `EMAIL_SURVEY_SECRET` is unset (no email surveys).
 * @throws IngestConfigError for a short secret or a base URL that is not http(s).
 */
export function surveyLinksFromEnv(env: NodeJS.ProcessEnv): SurveyLinkSettings | undefined {
  const secret = optionalSecret(env, 'EMAIL_SURVEY_SECRET');
  if (!secret) return undefined;
  if (secret.length < 32) throw new IngestConfigError('EMAIL_SURVEY_SECRET must be at least 32 characters');
  const baseUrl = (env.EMAIL_SURVEY_URL ?? '').trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(baseUrl)) throw new IngestConfigError('EMAIL_SURVEY_SECRET needs EMAIL_SURVEY_URL, the public http(s) URL of this service (https://mail.example.com)');
  return { secret, baseUrl };
}

/** The survey page of one contact: `<base>/v1/surveys?token=<token>`. */
export function surveyUrl(links: SurveyLinkSettings, domain: string, request: Pick<SurveyRequest, 'contactId' | 'expiresAtMs'>): string {
  return `${links.baseUrl}/v1/surveys?token=${signSurveyLink(links.secret, { domain, contactId: request.contactId, expiresAtMs: request.expiresAtMs })}`;
}

/** The survey mail: a reply in the customer's thread, marked automatic, with the contact's signed link. */
export function surveyMail(request: SurveyRequest, target: ReplyTarget, from: string, url: string) {
  const tag = target.language || request.language ? customerLanguage(target.language || request.language) : undefined;
  const question = (language: 'zh' | 'en') => request.text || surveyQuestion(language, 'click');
  const text = tag ? `${question(tag)}\n\n${url}\n` : `${question('zh')}\n\n${question('en')}\n\n${url}\n`;
  const domain = /@([^\s@<>]+)>?\s*$/.exec(from)?.[1] ?? 'switchboard.invalid';
  return {
    from,
    to: target.name ? { name: target.name, address: target.address } : target.address,
    subject: /^re:/i.test(target.subject) ? target.subject : `Re: ${target.subject}`.trimEnd(),
    // Fixed by the contact: a resend after a crash mid-send is the same message to the mail client.
    messageId: `<survey-${createHash('sha256').update(request.contactId).digest('hex').slice(0, 32)}@${domain}>`,
    inReplyTo: target.messageId,
    references: [...target.references.filter((id) => id !== target.messageId), target.messageId],
    text,
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', ...(tag ? { 'Content-Language': tag === 'zh' ? 'zh-CN' : 'en' } : {}) },
  };
}

/**
 * Follows SurveyOffered of the domain's email contacts (durable `ingest-email-<domain>-survey`,
 * shared by the replicas) and mails each customer their survey link through the relay. A relay
 * failure has the batch redelivered with backoff; a permanent refusal (5xx) is logged. At least
 * once: a crash between the relay's accept and the ack resends the mail with the same Message-ID.
 */
export async function followEmailSurveys(deps: {
  bus: IngestBus; domain: string; targets: ReplyTargets; links: SurveyLinkSettings; from: string; logger: Logger;
  transport: Pick<Transporter<SMTPTransport.SentMessageInfo>, 'sendMail'>;
}): Promise<DurableConsumer> {
  const log = deps.logger.child({ component: 'email-survey' });
  return followRoutingEvents({
    bus: deps.bus, domain: deps.domain, event: SURVEY_OFFERED_EVENT, durable: `ingest-email-${deps.domain}-survey`, logger: deps.logger,
    maxDeliver: ACK_MAX_DELIVER,
    handle: async (event: RoutingEvent) => {
      const request = surveyRequestOf(event, Channel.CHANNEL_EMAIL);
      if (request === undefined) return;
      const target = await deps.targets.targetOf(request.contactId);
      if (!target) return void log.info({ contactId: request.contactId }, 'survey not mailed: no reply address kept for the contact');
      const mail = surveyMail(request, target, deps.from, surveyUrl(deps.links, deps.domain, request));
      try {
        await withSpan(tracer, 'send email smtp.survey', { 'switchboard.channel': 'email' }, () => deps.transport.sendMail(mail), { kind: SpanKind.CLIENT });
      } catch (error) {
        const code = (error as { responseCode?: unknown }).responseCode;
        if (typeof code === 'number' && code >= 500) return void log.warn({ contactId: request.contactId, responseCode: code }, 'survey mail refused by the relay');
        throw error;
      }
      log.info({ contactId: request.contactId, queueId: request.queueId }, 'survey mailed');
    },
  });
}
