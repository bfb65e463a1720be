import { IngestConfigError, optionalSecret } from '@switchboard/ingest-kit';

/** Web chat settings from the environment. */
export interface ChatConfig {
  readonly sessionSecret: string;
  readonly identitySecret?: string;
  readonly sessionBucket?: string;
  readonly abandonGraceMs?: number;
}

/**
 * Reads `CHAT_SESSION_SECRET` (required, at least 32 characters), `CHAT_IDENTITY_SECRET`,
 * `CHAT_SESSION_BUCKET` and `CHAT_ABANDON_GRACE_MS`.
 * @throws IngestConfigError at start for a missing or weak secret or a bad number.
 */
export function loadChatConfig(env: NodeJS.ProcessEnv): ChatConfig {
  const sessionSecret = optionalSecret(env, 'CHAT_SESSION_SECRET');
  if (!sessionSecret || sessionSecret.length < 32) throw new IngestConfigError('CHAT_SESSION_SECRET must be set to at least 32 characters');
  const identitySecret = optionalSecret(env, 'CHAT_IDENTITY_SECRET');
  const grace = env.CHAT_ABANDON_GRACE_MS;
  if (grace !== undefined && grace !== '' && !/^\d+$/.test(grace)) throw new IngestConfigError('CHAT_ABANDON_GRACE_MS must be milliseconds');
  return {
    sessionSecret,
    ...(identitySecret ? { identitySecret } : {}),
    ...(env.CHAT_SESSION_BUCKET ? { sessionBucket: env.CHAT_SESSION_BUCKET } : {}),
    ...(grace ? { abandonGraceMs: Number(grace) } : {}),
  };
}
