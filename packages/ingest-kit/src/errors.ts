/** Stable codes of the errors an ingestion edge raises on purpose. */
export const INGEST_ERROR_CODES = {
  invalid: 'INGEST.INVALID',
  unauthenticated: 'INGEST.UNAUTHENTICATED',
  forbidden: 'INGEST.FORBIDDEN',
  tooLarge: 'INGEST.TOO_LARGE',
} as const;

/** The name of the whole body in a {@link ValidationError} that is not about one field. */
export const BODY_FIELD = '(body)';

/**
 * A platform's request is malformed. `field` names what is wrong (`ivr.language`, `CallSid`,
 * `(body)` for the whole body) and `rule` the broken rule (`required`, `invalid_type`, `json`...),
 * so the platform's developers can fix their side without reading our logs.
 */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  readonly code = INGEST_ERROR_CODES.invalid;
  constructor(
    readonly field: string,
    readonly rule: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The request carries no usable credential (401), or a credential or signature that does not
 * verify (403, a forgery). The message must not say which part failed beyond what the platform
 * documents.
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly code: typeof INGEST_ERROR_CODES.unauthenticated | typeof INGEST_ERROR_CODES.forbidden;
  constructor(
    readonly reason: 'missing' | 'invalid',
    message: string,
  ) {
    super(message);
    this.code = reason === 'missing' ? INGEST_ERROR_CODES.unauthenticated : INGEST_ERROR_CODES.forbidden;
  }
}

/** The request or message is larger than the service accepts (HTTP 413, SMTP 552). */
export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';
  readonly code = INGEST_ERROR_CODES.tooLarge;
  constructor(readonly limitBytes: number) {
    super(`payload larger than ${limitBytes} bytes`);
  }
}
