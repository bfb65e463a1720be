import { BusUnavailableError } from '@switchboard/bus';
import { AuthError, BODY_FIELD, PayloadTooLargeError, ValidationError } from './errors.js';

/**
 * Every failure an ingestion edge can report, whatever was thrown. Each edge (HTTP, SMTP, gRPC)
 * turns this into its own status once, so the three never disagree on what is temporary.
 */
export type IngestFailure =
  | { readonly kind: 'invalid'; readonly field: string; readonly rule: string; readonly message: string }
  | { readonly kind: 'unauthenticated'; readonly message: string }
  | { readonly kind: 'forbidden'; readonly message: string }
  | { readonly kind: 'too_large'; readonly message: string }
  | { readonly kind: 'unsupported_media_type'; readonly message: string }
  | { readonly kind: 'not_found'; readonly message: string }
  | { readonly kind: 'rate_limited'; readonly message: string; readonly retryAfterSeconds: number }
  /** Temporary: the platform must retry (NATS down, JetStream did not ack). */
  | { readonly kind: 'unavailable'; readonly message: string; readonly retryAfterSeconds: number }
  /** A bug or an unexpected state; the message given to callers never says more. */
  | { readonly kind: 'internal'; readonly message: string };

/** Seconds a platform is asked to wait before retrying after a bus outage. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

/** Thrown by the rate limiter's response builder; carries the wait it computed. */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  readonly code = 'INGEST.RATE_LIMITED';
  readonly statusCode = 429;
  constructor(readonly retryAfterSeconds: number) {
    super('rate limit exceeded');
  }
}

/**
 * Normalises anything thrown while ingesting. Our own errors and the bus's keep their meaning;
 * fastify's client errors (bad JSON, body too large, unknown content type) keep their status;
 * everything else is `internal`, and the caller logs the cause.
 */
export function classifyError(error: unknown): IngestFailure {
  if (error instanceof ValidationError) return { kind: 'invalid', field: error.field, rule: error.rule, message: error.message };
  if (error instanceof AuthError) {
    return error.reason === 'missing' ? { kind: 'unauthenticated', message: error.message } : { kind: 'forbidden', message: error.message };
  }
  if (error instanceof PayloadTooLargeError) return { kind: 'too_large', message: error.message };
  if (error instanceof BusUnavailableError) {
    return { kind: 'unavailable', message: 'contact bus unavailable, retry later', retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS };
  }
  if (error instanceof RateLimitedError) return { kind: 'rate_limited', message: error.message, retryAfterSeconds: error.retryAfterSeconds };
  return classifyFrameworkError(error);
}

/** fastify's own client errors carry `statusCode` and an `FST_ERR_*` code. */
function classifyFrameworkError(error: unknown): IngestFailure {
  const e = error as { statusCode?: unknown; code?: unknown } | null;
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (status === 413 || code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { kind: 'too_large', message: 'request body too large' };
  if (status === 415 || code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { kind: 'unsupported_media_type', message: 'unsupported content type' };
  }
  if (status === 404) return { kind: 'not_found', message: 'not found' };
  if (status >= 400 && status < 500) {
    // Empty or unparsable bodies, bad content length: the body as a whole is the broken field.
    return { kind: 'invalid', field: BODY_FIELD, rule: code.startsWith('FST_ERR_CTP') ? 'body' : 'request', message: 'malformed request body' };
  }
  return { kind: 'internal', message: 'internal error' };
}
