import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import { ContactUpdateKind } from '@switchboard/contracts';
import { classifyError, httpReplyFor, RateLimitedError, retryAfterSeconds, type ContactPublisher, type SourceLimiter } from '@switchboard/ingest-kit';
import { toContact, toUpdate } from './contact.mapper.js';
import { parseVisitorFrame, type ServerFrame, type VisitorFrame } from './frames.js';
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
    if (frame.type === 'message') {
      const session = await requireSession(deps.sessions, sessionId);
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
