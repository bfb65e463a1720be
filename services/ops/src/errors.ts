/** Stable codes of the failures ops answers with; each edge maps them once (HTTP status, gRPC code). */
export const OPS_ERROR_CODES = {
  invalidArgument: 'OPS.INVALID_ARGUMENT',
  notFound: 'OPS.NOT_FOUND',
  unavailable: 'OPS.UNAVAILABLE',
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

/** Whether `error` is an {@link OpsError}. */
export function isOpsError(error: unknown): error is OpsError {
  return error instanceof OpsError;
}
