import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { Channel } from '@switchboard/contracts';
import { AuthError, bearerToken, deterministicContactId, RateLimitedError, retryAfterSeconds, type ContactPublisher, type SourceLimiter } from '@switchboard/ingest-kit';
import type { SessionLimits } from './config.js';
import type { AbandonmentWatch } from './abandonment.js';
import { readSessionForm } from './session-form.js';
import type { SessionRelay } from './session-relay.js';
import type { ChatSessionStore } from './session-store.js';
import { newSessionId, sessionToken, verifySessionToken } from './session-token.js';
import { serveVisitor } from './visitor-connection.js';

/** The WebSocket subprotocol a browser offers next to `bearer.<token>` (browsers cannot set headers). */
export const CHAT_PROTOCOL = 'sb-chat.v1';

/** What the routes need. */
export interface ChatRouteDeps {
  readonly sessions: ChatSessionStore;
  readonly publisher: ContactPublisher;
  readonly abandonment: AbandonmentWatch;
  /** Shows system frames (positions, exceptions) on the sockets this replica holds. */
  readonly relay: SessionRelay;
  readonly domain: string;
  readonly logger: Logger;
  readonly sessionSecret: string;
  readonly identitySecret?: string;
  readonly typingIntervalMs: number;
  /** Per-session limit of message and read frames; absent = unlimited. */
  readonly frameLimiter?: SourceLimiter;
  /** Caps on sessions (total, per address) and sockets per session. */
  readonly limits: SessionLimits;
  /** New sessions per client address (`limits.sessionsPerAddress` per its window). */
  readonly sessionLimiter: SourceLimiter;
  readonly now: () => number;
}

/** How long a session count read from the bucket is reused: creating sessions must not cost a stream info each. */
const SESSION_COUNT_TTL_MS = 1_000;

/**
 * `POST /v1/sessions` validates the pre-chat form, stores the session and returns
 * `{sessionId, token}`; `GET /v1/sessions/:id/ws` upgrades to the visitor's WebSocket once the
 * token verifies (HTTP 401 before the upgrade otherwise).
 */
export function registerChatRoutes(app: FastifyInstance, deps: ChatRouteDeps): void {
  const sockets = new Map<string, number>();
  let counted = { at: Number.NEGATIVE_INFINITY, sessions: 0 };
  const liveSessions = async () => {
    if (deps.now() - counted.at > SESSION_COUNT_TTL_MS) counted = { at: deps.now(), sessions: await deps.sessions.sessionCount() };
    return counted.sessions;
  };

  app.post('/v1/sessions', async (request, reply) => {
    const form = readSessionForm(request.body, deps.identitySecret);
    // Only forms that would open a session count against the address (junk is the HTTP limit's).
    const decision = deps.sessionLimiter.take(request.ip);
    if (!decision.allowed) {
      throw Object.assign(new RateLimitedError(retryAfterSeconds(decision.retryAfterMs)), { message: `more than ${deps.limits.sessionsPerAddress} new chat sessions from this address; try again later` });
    }
    if ((await liveSessions()) >= deps.limits.maxSessions) {
      deps.logger.warn({ maxSessions: deps.limits.maxSessions }, 'chat session refused: at the session limit');
      return reply.code(503).header('retry-after', '60').send({ error: `this service holds its maximum of ${deps.limits.maxSessions} chat sessions; try again later` });
    }
    const sessionId = newSessionId();
    const now = deps.now();
    await deps.sessions.create({
      sessionId,
      contactId: deterministicContactId(deps.domain, Channel.CHANNEL_CHAT, sessionId),
      createdAt: now,
      form: {
        name: form.name,
        language: form.language,
        topic: form.topic,
        pageUrl: form.page_url,
        ...(form.email ? { email: form.email } : {}),
        ...(form.department ? { department: form.department } : {}),
        ...(form.verifiedCustomerId ? { customerId: form.verifiedCustomerId } : {}),
      },
      started: false,
      answered: false,
      ended: false,
      connectedAt: 0,
    });
    deps.logger.info({ sessionId, identified: form.verifiedCustomerId !== undefined }, 'chat session created');
    return reply.code(201).send({ sessionId, token: sessionToken(deps.sessionSecret, sessionId) });
  });

  app.get<{ Params: { id: string } }>('/v1/sessions/:id/ws', {
    websocket: true,
    preValidation: async (request: FastifyRequest<{ Params: { id: string } }>) => {
      const token = tokenOf(request);
      if (!token) throw new AuthError('missing', 'a session token is required');
      // 401, not 403: the widget's answer to either is to start a new session.
      if (!verifySessionToken(deps.sessionSecret, request.params.id, token)) throw new AuthError('missing', 'session token does not verify');
      // Answered before the upgrade, so the widget reads a status instead of a dropped socket.
      if ((sockets.get(request.params.id) ?? 0) >= deps.limits.maxSocketsPerSession) {
        throw Object.assign(new RateLimitedError(60), { message: `this session already has ${deps.limits.maxSocketsPerSession} open sockets; close one` });
      }
    },
  }, (socket, request) => {
    const sessionId = request.params.id;
    // Counted here, where the socket exists; two upgrades racing past the check above are closed.
    const open = (sockets.get(sessionId) ?? 0) + 1;
    sockets.set(sessionId, open);
    socket.once('close', () => {
      const left = (sockets.get(sessionId) ?? 1) - 1;
      if (left <= 0) sockets.delete(sessionId);
      else sockets.set(sessionId, left);
    });
    if (open > deps.limits.maxSocketsPerSession) {
      socket.close(1008, 'too many open sockets for this session');
      return;
    }
    const connectedAt = deps.now();
    const connectionId = randomUUID();
    // Recorded before serving so a close in the abandonment grace period sees the reconnect.
    deps.sessions.update(sessionId, (s) => ({ ...s, connectedAt, connectionId })).then((session) => {
      if (!session) return socket.close(4404, 'session not found');
      if (socket.readyState !== socket.OPEN) return;
      // Pending system frames are shown now; later ones, and position notices, as they come.
      const detach = deps.relay.attach(session, {
        send: (frame) => { if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame)); },
        close: (code, reason) => socket.close(code, reason),
      });
      socket.once('close', detach);
    }, () => socket.close(1013, 'try again later'));
    serveVisitor(socket, sessionId, {
      ...deps,
      onClosed: (id, closedAt) => deps.abandonment.closed(id, closedAt, connectionId),
    });
  });
}

/** The token from `?token=`, `Authorization: Bearer`, or a `bearer.<token>` subprotocol. */
export function tokenOf(request: FastifyRequest): string | undefined {
  const query = request.query as Record<string, unknown>;
  if (typeof query.token === 'string' && query.token) return query.token;
  const bearer = bearerToken(request.headers.authorization);
  if (bearer) return bearer;
  const protocols = request.headers['sec-websocket-protocol'];
  return protocols?.split(',').map((p) => p.trim()).find((p) => p.startsWith('bearer.'))?.slice('bearer.'.length) || undefined;
}
