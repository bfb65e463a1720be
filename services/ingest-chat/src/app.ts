import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { createIngestHttpServer, followCustomerNotices, SourceLimiter, type ContactPublisher, type IngestBus, type RateLimitOptions } from '@switchboard/ingest-kit';
import { AbandonmentWatch } from './abandonment.js';
import { followAnsweredChats } from './answered-follower.js';
import { DEFAULT_SESSION_LIMITS, type SessionLimits } from './config.js';
import { CHAT_PROTOCOL, registerChatRoutes, tokenOf } from './routes.js';
import { SessionRelay } from './session-relay.js';
import { followChatWaits } from './wait-follower.js';
import { verifySessionToken } from './session-token.js';
import type { ChatSessionStore } from './session-store.js';

/** Largest WebSocket frame; a message is at most 4 000 characters. */
const MAX_FRAME_BYTES = 32 * 1024;

/** Everything the app is built from; tests pass their own NATS-backed pieces. */
export interface ChatAppDeps {
  readonly logger: Logger;
  readonly publisher: ContactPublisher;
  /** The bus whose ROUTING stream says when an agent accepted a chat (answered, see `followAnsweredChats`). */
  readonly bus: IngestBus;
  readonly sessions: ChatSessionStore;
  readonly domain: string;
  readonly readiness: () => Promise<boolean>;
  /** `CHAT_SESSION_SECRET`: signs per-session tokens. */
  readonly sessionSecret: string;
  /** `CHAT_IDENTITY_SECRET`: verifies `identifier_hash`; unset refuses identified visitors. */
  readonly identitySecret?: string;
  /** Reconnect grace before a closed socket counts as leaving (default 15 s). */
  readonly abandonGraceMs?: number;
  readonly typingIntervalMs?: number;
  /**
   * HTTP request limits. A WebSocket upgrade whose session token verifies counts against its
   * session; everything else (the pre-chat form, bad tokens) per client address.
   */
  readonly rateLimit?: Omit<RateLimitOptions, 'keyGenerator'> | false;
  /** Caps on sessions and sockets (defaults: {@link DEFAULT_SESSION_LIMITS}). */
  readonly limits?: Partial<SessionLimits>;
  /**
   * Message and read frames a session may send per window over its WebSockets (default 30 per
   * 10 s); more are answered with a 429 error frame carrying `retry_after`. `false` turns it off.
   */
  readonly messageRateLimit?: { readonly max: number; readonly windowMs: number } | false;
  /**
   * How long after routing ended a wait (closed, full, expired) with an offer the visitor may still
   * leave an email address or a number, the socket staying open (default 10 min); then it closes.
   */
  readonly followUpWindowMs?: number;
  readonly now?: () => number;
  readonly retryDelaysMs?: readonly number[];
}

/** The built service. */
export interface ChatApp {
  readonly http: FastifyInstance;
  readonly abandonment: AbandonmentWatch;
  readonly relay: SessionRelay;
  close(): Promise<void>;
}

/** Builds the HTTP + WebSocket server and starts following which chats agents answered. */
export async function buildChatApp(deps: ChatAppDeps): Promise<ChatApp> {
  const now = deps.now ?? Date.now;
  const limits: SessionLimits = { ...DEFAULT_SESSION_LIMITS, ...deps.limits };
  const sessionOf = (request: FastifyRequest): string | undefined => {
    const id = (request.params as { id?: unknown } | undefined)?.id;
    const token = typeof id === 'string' ? tokenOf(request) : undefined;
    return typeof id === 'string' && token && verifySessionToken(deps.sessionSecret, id, token) ? id : undefined;
  };
  const http = await createIngestHttpServer({
    logger: deps.logger, readiness: deps.readiness, channel: 'chat', bodyLimitBytes: 16 * 1024,
    rateLimit: deps.rateLimit === false ? false : { ...deps.rateLimit, keyGenerator: (request) => {
      const session = sessionOf(request);
      return session ? `session:${session}` : undefined;
    } },
  });
  await http.register(websocket, {
    options: {
      maxPayload: MAX_FRAME_BYTES,
      // Answer with our protocol only when offered: echoing `bearer.<token>` would leak it to logs.
      handleProtocols: (protocols) => (protocols.has(CHAT_PROTOCOL) ? CHAT_PROTOCOL : false),
    },
  });
  const abandonment = new AbandonmentWatch({
    sessions: deps.sessions,
    publisher: deps.publisher,
    domain: deps.domain,
    logger: deps.logger.child({ component: 'abandonment' }),
    graceMs: deps.abandonGraceMs ?? 15_000,
    now,
    ...(deps.retryDelaysMs ? { retryDelaysMs: deps.retryDelaysMs } : {}),
  });
  const frameLimits = deps.messageRateLimit === false ? undefined : deps.messageRateLimit ?? { max: 30, windowMs: 10_000 };
  const relay = new SessionRelay({ bus: deps.bus, sessions: deps.sessions, domain: deps.domain, logger: deps.logger, now });
  registerChatRoutes(http, {
    sessions: deps.sessions,
    publisher: deps.publisher,
    abandonment,
    relay,
    domain: deps.domain,
    logger: deps.logger.child({ component: 'chat' }),
    sessionSecret: deps.sessionSecret,
    ...(deps.identitySecret ? { identitySecret: deps.identitySecret } : {}),
    typingIntervalMs: deps.typingIntervalMs ?? 3_000,
    ...(frameLimits ? { frameLimiter: new SourceLimiter(frameLimits.max, frameLimits.windowMs, now) } : {}),
    limits,
    sessionLimiter: new SourceLimiter(limits.sessionsPerAddress, limits.sessionsPerAddressWindowMs, now),
    now,
  });
  // Every replica hears every notice (no queue group): the one holding the visitor's socket shows it.
  const notices = followCustomerNotices({ bus: deps.bus, domain: deps.domain, channel: 'chat', logger: deps.logger, deliver: (notice) => relay.deliverNotice(notice) });
  const answered = await followAnsweredChats({ bus: deps.bus, domain: deps.domain, sessions: deps.sessions, logger: deps.logger });
  let waits: Awaited<ReturnType<typeof followChatWaits>>;
  try {
    waits = await followChatWaits({
      bus: deps.bus, domain: deps.domain, sessions: deps.sessions, relay, logger: deps.logger, now, followUpWindowMs: deps.followUpWindowMs ?? 10 * 60_000,
    });
  } catch (error) {
    notices.unsubscribe();
    await answered.stop();
    throw error;
  }
  return {
    http,
    abandonment,
    relay,
    async close() {
      await http.close();
      abandonment.stop();
      notices.unsubscribe();
      relay.stop();
      await Promise.all([answered.stop(), waits.stop()]);
    },
  };
}
