import { IngestConfigError, optionalSecret } from '@switchboard/ingest-kit';

/** Web chat settings from the environment. */
export interface ChatConfig {
  readonly sessionSecret: string;
  readonly identitySecret?: string;
  readonly sessionBucket?: string;
  readonly abandonGraceMs?: number;
  /** `CHAT_FOLLOW_UP_WINDOW_MS`: how long a closed chat's offer (leave an email, a number) stays open. */
  readonly followUpWindowMs?: number;
  /** Caps on sessions and sockets; each unset variable keeps its default (see {@link DEFAULT_SESSION_LIMITS}). */
  readonly limits?: Partial<SessionLimits>;
  /** HTTP request limits: `CHAT_RATE_LIMIT_MAX` per `CHAT_RATE_LIMIT_WINDOW_MS`. */
  readonly rateLimit?: { readonly max?: number; readonly timeWindowMs?: number };
}

/** How many chat sessions and sockets a replica takes. */
export interface SessionLimits {
  /** `CHAT_MAX_SESSIONS`: live sessions in the session bucket (all replicas); more are 503. */
  readonly maxSessions: number;
  /** `CHAT_SESSIONS_PER_ADDRESS`: new sessions per client address and window; more are 429. */
  readonly sessionsPerAddress: number;
  /** `CHAT_SESSIONS_PER_ADDRESS_WINDOW_MS`. */
  readonly sessionsPerAddressWindowMs: number;
  /** `CHAT_MAX_SOCKETS_PER_SESSION`: open WebSockets of one session on a replica; more are 429. */
  readonly maxSocketsPerSession: number;
}

/**
 * Defaults that a busy site does not reach: a session is one visitor for up to 24 h, a visitor
 * behind a shared address (an office, a mobile carrier's NAT) opens a few, and a visitor has a
 * tab or two open.
 */
export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  maxSessions: 100_000,
  sessionsPerAddress: 30,
  sessionsPerAddressWindowMs: 10 * 60_000,
  maxSocketsPerSession: 5,
};

function positive(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new IngestConfigError(`${name} must be a positive integer`);
  return Number(text);
}

/**
 * Reads `CHAT_SESSION_SECRET` (required, at least 32 characters), `CHAT_IDENTITY_SECRET`,
 * `CHAT_SESSION_BUCKET`, `CHAT_ABANDON_GRACE_MS`, `CHAT_FOLLOW_UP_WINDOW_MS`, the caps of {@link SessionLimits} and
 * `CHAT_RATE_LIMIT_MAX` / `CHAT_RATE_LIMIT_WINDOW_MS`.
 * @throws IngestConfigError at start for a missing or weak secret or a bad number.
 */
export function loadChatConfig(env: NodeJS.ProcessEnv): ChatConfig {
  const sessionSecret = optionalSecret(env, 'CHAT_SESSION_SECRET');
  if (!sessionSecret || sessionSecret.length < 32) throw new IngestConfigError('CHAT_SESSION_SECRET must be set to at least 32 characters');
  const identitySecret = optionalSecret(env, 'CHAT_IDENTITY_SECRET');
  const grace = env.CHAT_ABANDON_GRACE_MS;
  if (grace !== undefined && grace !== '' && !/^\d+$/.test(grace)) throw new IngestConfigError('CHAT_ABANDON_GRACE_MS must be milliseconds');
  const limits = Object.fromEntries(([
    ['maxSessions', 'CHAT_MAX_SESSIONS'], ['sessionsPerAddress', 'CHAT_SESSIONS_PER_ADDRESS'],
    ['sessionsPerAddressWindowMs', 'CHAT_SESSIONS_PER_ADDRESS_WINDOW_MS'], ['maxSocketsPerSession', 'CHAT_MAX_SOCKETS_PER_SESSION'],
  ] as const).flatMap(([key, name]) => {
    const value = positive(env, name);
    return value === undefined ? [] : [[key, value]];
  })) as Partial<SessionLimits>;
  const followUpWindowMs = positive(env, 'CHAT_FOLLOW_UP_WINDOW_MS');
  // A visitor needs a moment to type an address; a day would outlive the session itself.
  if (followUpWindowMs !== undefined && (followUpWindowMs < 10_000 || followUpWindowMs > 3_600_000)) {
    throw new IngestConfigError('CHAT_FOLLOW_UP_WINDOW_MS must be between 10000 and 3600000 (10 s to 1 h)');
  }
  const rateMax = positive(env, 'CHAT_RATE_LIMIT_MAX');
  const rateWindow = positive(env, 'CHAT_RATE_LIMIT_WINDOW_MS');
  return {
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
    ...(rateMax || rateWindow ? { rateLimit: { ...(rateMax ? { max: rateMax } : {}), ...(rateWindow ? { timeWindowMs: rateWindow } : {}) } } : {}),
    sessionSecret,
    ...(identitySecret ? { identitySecret } : {}),
    ...(env.CHAT_SESSION_BUCKET ? { sessionBucket: env.CHAT_SESSION_BUCKET } : {}),
    ...(grace ? { abandonGraceMs: Number(grace) } : {}),
    ...(followUpWindowMs === undefined ? {} : { followUpWindowMs }),
  };
}
