/** Stable codes of the failures ops answers with; each edge maps them once (HTTP status, gRPC code). */
export const OPS_ERROR_CODES = {
  invalidArgument: 'OPS.INVALID_ARGUMENT',
  notFound: 'OPS.NOT_FOUND',
  unavailable: 'OPS.UNAVAILABLE',
  /** No credential, or one that does not verify (bad signature, expired, malformed): 401 / UNAUTHENTICATED. */
  unauthenticated: 'OPS.UNAUTHENTICATED',
  /** A verified caller who may not see this: a lower role, another tenant's domain: 403 / PERMISSION_DENIED. */
  permissionDenied: 'OPS.PERMISSION_DENIED',
  /** The edge refused an action in the thing's present state (a contact already wrapping up): 409 / FAILED_PRECONDITION. */
  failedPrecondition: 'OPS.FAILED_PRECONDITION',
  /** An edge ops acts through failed in a way the caller cannot fix (it refused ops's token, an internal error): 502. */
  badGateway: 'OPS.BAD_GATEWAY',
} as const;

/** One of {@link OPS_ERROR_CODES}. */
export type OpsErrorCode = (typeof OPS_ERROR_CODES)[keyof typeof OPS_ERROR_CODES];

/** An expected failure of an ops query; the message is safe to show the caller. */
export class OpsError extends Error {
  override readonly name = 'OpsError';
  constructor(readonly code: OpsErrorCode, message: string, readonly field?: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** A request field is missing or malformed; `field` names it (e.g. `from`, `queue_ids[0]`). */
export function invalidArgument(field: string, message: string): OpsError {
  return new OpsError(OPS_ERROR_CODES.invalidArgument, `${field}: ${message}`, field);
}

/** The thing asked for is not known (an unknown contact id, an unserved domain). */
export function notFound(message: string): OpsError {
  return new OpsError(OPS_ERROR_CODES.notFound, message);
}

/** A dependency (the router, NATS, Redis) does not answer now; the caller may retry. */
export function unavailable(message: string, cause?: unknown): OpsError {
  return new OpsError(OPS_ERROR_CODES.unavailable, message, undefined, cause === undefined ? undefined : { cause });
}

/** The caller did not prove who they are; the message says what is missing, never the token. */
export function unauthenticated(message: string): OpsError {
  return new OpsError(OPS_ERROR_CODES.unauthenticated, message);
}

/** The caller is known but may not do this; the message says which role or domain is needed. */
export function permissionDenied(message: string): OpsError {
  return new OpsError(OPS_ERROR_CODES.permissionDenied, message);
}

/** Whether `error` is an {@link OpsError}. */
export function isOpsError(error: unknown): error is OpsError {
  return error instanceof OpsError;
}
