import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import { ContactUpdateKind } from '@switchboard/contracts';
import {
  callbackConfirmedText, classifyError, customerLanguage, followUpConfirmedText, httpReplyFor, RateLimitedError, retryAfterSeconds, withReceiveSpan,
  type ContactPublisher, type SourceLimiter,
} from '@switchboard/ingest-kit';
import { answerChatSurvey } from './chat-survey.js';
import { followUpContactId, toContact, toFollowUpContact, toUpdate } from './contact.mapper.js';
import { FrameRefusedError, parseVisitorFrame, type ServerFrame, type VisitorFrame } from './frames.js';
import type { SessionRelay } from './session-relay.js';
import type { ChatSession, ChatSessionStore } from './session-store.js';

/** What a visitor's socket needs. */
export interface ConnectionDeps {
  readonly sessions: ChatSessionStore;
  readonly publisher: ContactPublisher;
  readonly domain: string;
  readonly logger: Logger;
  /** At most one TYPING update per this many ms per socket: widgets send one per keystroke. */
  readonly typingIntervalMs: number;
  /**
   * Message and read frames per session (shared by the session's sockets); over it a frame is
   * answered with a 429 error frame and dropped. Typing frames are throttled separately.
   */
  readonly frameLimiter?: SourceLimiter;
  /** Ends the session's other sockets (on any replica) once the visitor chose a callback or left a follow-up. */
  readonly relay: SessionRelay;
  /** Called when the socket closed, to decide on abandonment after the grace period. */
  readonly onClosed: (sessionId: string, closedAt: number) => void;
  readonly now: () => number;
}

/**
 * Serves one visitor socket. Frames are handled one at a time, in order, so the first message
 * opens the contact before the second is published as its MESSAGE update. Every message is
 * answered with an ack (after the JetStream ack) or an error frame whose `status` mirrors HTTP:
 * 400 for a malformed frame (the socket stays open), 429 with `retry_after` when the session sends
 * faster than its limit (resend the same id later), 503 while NATS is down (resend the same id).
 */
export function serveVisitor(socket: WebSocket, sessionId: string, deps: ConnectionDeps): void {
  let queue: Promise<void> = Promise.resolve();
  let lastTyping = Number.NEGATIVE_INFINITY;

  const send = (frame: ServerFrame) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };

  const handle = async (frame: VisitorFrame): Promise<void> => {
    const at = new Date(deps.now());
    if (frame.type === 'callback' || frame.type === 'leave-email') {
      await withReceiveSpan('chat', `ws.${frame.type}`, {}, () => (frame.type === 'callback' ? callback(frame.number, at) : leaveEmail(frame.address, frame.message, at)));
      return;
    }
    if (frame.type === 'survey') {
      const session = await requireSession(deps.sessions, sessionId);
      send(await withReceiveSpan('chat', 'ws.survey', {}, () => answerChatSurvey(session, frame, deps)));
      return;
    }
    if (frame.type === 'message') {
      const session = await requireSession(deps.sessions, sessionId);
      if (session.closed) throw new FrameRefusedError(409, 'closed', 'this chat has ended; no agent will read more messages');
      const key = `${sessionId}:${frame.id}`;
      let published;
      if (!session.started || session.firstMessageId === frame.id) {
        published = await deps.publisher.publishContact(toContact(session, deps.domain, frame.id, frame.text, at), key);
        await deps.sessions.update(sessionId, (s) => ({ ...s, started: true, firstMessageId: frame.id }));
      } else {
        published = await deps.publisher.publishContactUpdate(toUpdate(session, deps.domain, ContactUpdateKind.CONTACT_UPDATE_KIND_MESSAGE, at, frame.id, frame.text), key);
      }
      send({ type: 'ack', id: frame.id, duplicate: published.duplicate });
      return;
    }
    if (frame.type === 'typing' && deps.now() - lastTyping < deps.typingIntervalMs) return;
    const session = await requireSession(deps.sessions, sessionId);
    // Typing and read before the first message concern no contact yet: nothing to route.
    if (!session.started) return;
    if (frame.type === 'typing') {
      lastTyping = deps.now();
      await deps.publisher.publishContactUpdate(toUpdate(session, deps.domain, ContactUpdateKind.CONTACT_UPDATE_KIND_TYPING, at), `${sessionId}:typing:${lastTyping}`);
    } else {
      await deps.publisher.publishContactUpdate(toUpdate(session, deps.domain, ContactUpdateKind.CONTACT_UPDATE_KIND_READ, at, frame.message_id), `${sessionId}:read:${frame.message_id}`);
    }
  };

  /**
   * A callback number. While waiting: CALLBACK_REQUESTED on the contact, which keeps its place (the
   * router dials through the phone channel when an agent accepts), and the chat ends without
   * ABANDONED. After a closed wait that offered it: a follow-up contact to call back.
   */
  const callback = async (number: string, at: Date): Promise<void> => {
    const session = await requireSession(deps.sessions, sessionId);
    const language = customerLanguage(session.form.language);
    if (session.closed) {
      await followUp(session, { phone: number }, undefined, at);
      return;
    }
    if (!session.started) throw new FrameRefusedError(409, 'not_waiting', 'send a message first: there is no place in the queue to keep yet');
    if (session.answered) throw new FrameRefusedError(409, 'answered', 'an agent is already with you');
    // Published before the session says so: a visitor leaving in between is ABANDONED, which the
    // engine ignores for a callback; the other order could strand a contact nobody ends.
    await deps.publisher.publishContactUpdate(
      toUpdate(session, deps.domain, ContactUpdateKind.CONTACT_UPDATE_KIND_CALLBACK_REQUESTED, at, '', '', number), `${sessionId}:callback:${number}`);
    await deps.sessions.update(sessionId, (s) => ({ ...s, callbackRequested: true, ended: true }));
    deps.logger.info({ sessionId, contactId: session.contactId }, 'visitor chose a callback');
    send({ type: 'system', kind: 'callback-confirmed', text: callbackConfirmedText(language) });
    deps.relay.nudge(sessionId);
  };

  const leaveEmail = async (address: string, message: string | undefined, at: Date): Promise<void> => {
    const session = await requireSession(deps.sessions, sessionId);
    await followUp(session, { email: address }, message, at);
  };

  /** The email address or number left after the wait ended: a follow-up contact, once per session. */
  const followUp = async (session: ChatSession, via: { email: string } | { phone: string }, message: string | undefined, at: Date): Promise<void> => {
    const how = 'email' in via ? 'email' : 'callback';
    const wanted = how === 'email' ? 'leave-email' : 'callback';
    const closed = session.closed;
    if (closed?.offer !== wanted) {
      throw new FrameRefusedError(409, 'not_offered', how === 'email' ? 'leaving an email address is not offered in this chat' : 'a callback is not offered in this chat');
    }
    if (session.followUp === undefined && (closed.offerUntil ?? 0) <= deps.now()) throw new FrameRefusedError(410, 'offer_expired', 'the offer has run out; please contact us again');
    const contact = toFollowUpContact(session, deps.domain, via, message, at);
    const published = await deps.publisher.publishContact(contact, `${sessionId}:follow-up`);
    if ('phone' in via) {
      // The follow-up is a queued callback: the phone channel dials when an agent accepts it.
      await deps.publisher.publishContactUpdate(
        toUpdate(session, deps.domain, ContactUpdateKind.CONTACT_UPDATE_KIND_CALLBACK_REQUESTED, at, '', '', via.phone, followUpContactId(session, deps.domain)),
        `${sessionId}:follow-up:callback`);
    }
    await deps.sessions.update(sessionId, (s) => (s.followUp ? s : { ...s, followUp: how }));
    deps.logger.info({ sessionId, contactId: contact.id, originalContactId: session.contactId, via: how, duplicate: published.duplicate }, 'visitor left a follow-up');
    send({ type: 'system', kind: 'follow-up-confirmed', via: how, text: followUpConfirmedText(customerLanguage(session.form.language), how), duplicate: published.duplicate });
    deps.relay.nudge(sessionId);
  };

  socket.on('message', (data, isBinary) => {
    const text = isBinary ? undefined : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8');
    // Parsed and counted on arrival, so a flood is refused at once instead of queueing up.
    let frame: VisitorFrame | undefined;
    let refused: unknown;
    try {
      if (text === undefined) throw Object.assign(new Error('binary frames are not accepted'), { statusCode: 400 });
      frame = parseVisitorFrame(text);
      if (frame.type !== 'typing' && deps.frameLimiter) {
        const decision = deps.frameLimiter.take(sessionId);
        if (!decision.allowed) throw new RateLimitedError(retryAfterSeconds(decision.retryAfterMs));
      }
    } catch (error) {
      refused = error;
    }
    const accepted = refused === undefined ? frame : undefined;
    queue = queue.then(async () => {
      try {
        if (accepted === undefined) throw refused;
        await handle(accepted);
      } catch (error) {
        if (error instanceof FrameRefusedError) {
          send({ type: 'error', status: error.status, error: error.message, rule: error.rule });
          return;
        }
        const failure = classifyError(error);
        const reply = httpReplyFor(failure);
        if (failure.kind === 'internal') deps.logger.error({ err: error, sessionId }, 'visitor frame failed');
        if (failure.kind === 'rate_limited') deps.logger.info({ sessionId }, 'visitor frame refused: rate limited');
        send({
          type: 'error',
          status: reply.status,
          ...reply.body,
          ...(frame?.type === 'message' ? { id: frame.id } : {}),
          ...(failure.kind === 'rate_limited' ? { retry_after: failure.retryAfterSeconds } : {}),
        });
      }
    });
  });

  socket.on('close', () => {
    void queue.then(() => deps.onClosed(sessionId, deps.now()));
  });
}

async function requireSession(store: ChatSessionStore, sessionId: string): Promise<ChatSession> {
  const session = await store.get(sessionId);
  if (!session) throw Object.assign(new Error('session not found'), { statusCode: 404 });
  return session;
}
