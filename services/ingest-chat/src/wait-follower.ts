import type { Logger } from 'pino';
import type { DurableConsumer } from '@switchboard/bus';
import { Channel, type RoutingEvent } from '@switchboard/contracts';
import { actionText, callbackOfferText, customerLanguage, followRoutingEvents, type IngestBus } from '@switchboard/ingest-kit';
import { customerActionFromProto } from '@switchboard/router-api';
import type { CustomerAction } from '@switchboard/routing-core';
import type { ClosureReason, SystemFrame } from './frames.js';
import { withPending, type ChatClosure, type ChatSession, type ChatSessionStore } from './session-store.js';
import type { SessionRelay } from './session-relay.js';
import { offerChatSurvey } from './chat-survey.js';

/** Options of {@link followChatWaits}. */
export interface WaitFollowerOptions {
  readonly bus: IngestBus;
  readonly domain: string;
  readonly sessions: ChatSessionStore;
  readonly relay: SessionRelay;
  readonly logger: Logger;
  /** How long a visitor may still leave an email address or a number after the wait ended (ms). */
  readonly followUpWindowMs: number;
  readonly now: () => number;
}

/**
 * The action as a chat visitor can take it: a voicemail is a written message here (left by
 * email), and an overflow that reached the channel found no open target (the plain message).
 */
export function chatAction(action: CustomerAction | undefined): CustomerAction {
  if (action === undefined) return { kind: 'MESSAGE' };
  if (action.kind === 'VOICEMAIL') return { ...action, kind: 'LEAVE_EMAIL' };
  if (action.kind === 'OVERFLOW') return { kind: 'MESSAGE', ...(action.message ? { message: action.message } : {}) };
  return action;
}

/**
 * The session after routing ended its wait: the closed frame (in the visitor's language) pending,
 * the offer open for `windowMs`, and `ended` set so the visitor leaving is not reported (the
 * contact is gone from the engine). Unchanged when it was closed already (a redelivered event).
 */
export function closeSession(session: ChatSession, reason: ClosureReason, action: CustomerAction | undefined, now: number, windowMs: number): ChatSession {
  if (session.closed !== undefined) return session;
  const language = customerLanguage(session.form.language);
  const act = chatAction(action);
  const offer = act.kind === 'LEAVE_EMAIL' ? 'leave-email' : act.kind === 'CALLBACK_OFFER' ? 'callback' : undefined;
  const closed: ChatClosure = { reason, at: now, ...(offer ? { offer, offerUntil: now + windowMs } : {}) };
  const id = `closed:${session.contactId}`;
  const frame: SystemFrame = {
    type: 'system', kind: 'closed', id, reason, action: act.kind, text: actionText(language, reason, act),
    ...(offer ? { offer, offerExpiresAt: new Date(now + windowMs).toISOString() } : {}),
  };
  return withPending({ ...session, closed, ended: true }, { id, frame });
}

/** Rejected reasons as the visitor is told them; an unknown queue (a rules mistake) reads as "cannot queue now". */
function rejectedReason(reason: string): ClosureReason {
  return reason === 'CLOSED' ? 'CLOSED' : 'QUEUE_FULL';
}

function expiredReason(reason: string): ClosureReason {
  return reason === 'CLOSED' || reason === 'CALLBACK_FAILED' ? reason : 'MAX_WAIT';
}

/**
 * Follows the routing events that end or change a chat visitor's wait on ROUTING, each with a
 * durable shared by the replicas (`ingest-chat-<domain>-rejected`, `-expired`, `-callback-offered`):
 * ContactRejected and ContactExpired close the session with the queue's action, CallbackOffered
 * (surge) offers a callback. The frame is stored in the session first and then the replica holding
 * the socket is nudged (see {@link SessionRelay}), so a frame is never lost for a visitor who is
 * connected or comes back within the session's life.
 */
export async function followChatWaits(options: WaitFollowerOptions): Promise<{ stop(): Promise<void> }> {
  const { sessions, relay, now } = options;
  const log = options.logger.child({ component: 'wait-follower' });
  const apply = async (event: RoutingEvent, change: (s: ChatSession) => ChatSession, what: string) => {
    if (event.channel !== Channel.CHANNEL_CHAT || !event.contactId) return;
    const sessionId = await sessions.sessionOfContact(event.contactId);
    if (sessionId === undefined) return;
    const updated = await sessions.update(sessionId, change);
    if (updated === undefined) return;
    relay.nudge(sessionId);
    log.info({ sessionId, contactId: event.contactId, queueId: event.queueId, what }, 'chat wait changed');
  };
  const follow = (event: string, suffix: string, handle: (e: RoutingEvent) => Promise<void>) =>
    followRoutingEvents({ bus: options.bus, domain: options.domain, event, durable: `ingest-chat-${options.domain}-${suffix}`, logger: options.logger, handle });
  const consumers: DurableConsumer[] = [];
  try {
    consumers.push(await follow('ContactRejected', 'rejected', (e) =>
      apply(e, (s) => closeSession(s, rejectedReason(e.rejected?.reason ?? ''), customerActionFromProto(e.rejected?.action), now(), options.followUpWindowMs), `rejected ${e.rejected?.reason ?? ''}`)));
    consumers.push(await follow('ContactExpired', 'expired', (e) =>
      apply(e, (s) => closeSession(s, expiredReason(e.expired?.reason ?? ''), customerActionFromProto(e.expired?.action), now(), options.followUpWindowMs), `expired ${e.expired?.reason ?? ''}`)));
    consumers.push(await follow('CallbackOffered', 'callback-offered', (e) => apply(e, (s) => {
      if (s.closed || s.answered || s.callbackRequested) return s;
      const id = `callback-offer:${s.contactId}`;
      return withPending(s, { id, frame: { type: 'system', kind: 'callback-offer', id, text: callbackOfferText(customerLanguage(s.form.language), 'leave-number') } });
    }, 'callback offered')));
    consumers.push(await follow('SurveyOffered', 'survey-offered', (e) => apply(e, (s) => offerChatSurvey(s, e), 'survey sent')));
  } catch (error) {
    await Promise.all(consumers.map((c) => c.stop()));
    throw error;
  }
  return { stop: async () => { await Promise.all(consumers.map((c) => c.stop())); } };
}
