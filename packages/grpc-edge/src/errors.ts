import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { Logger } from '@switchboard/telemetry';

/**
 * A failure a handler raises on purpose, already in gRPC terms. Its message is shown to the
 * caller, so it never carries internals; anything else thrown becomes `INTERNAL`.
 */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  constructor(
    readonly code: status,
    message: string,
    /** For INVALID_ARGUMENT: the proto field (snake_case path) and the rule it broke. */
    readonly field?: string,
    readonly rule?: string,
  ) {
    super(message);
  }
}

/** `INVALID_ARGUMENT` naming the field and the rule, e.g. `invalid('queue.id', 'required', 'required')`. */
export function invalid(field: string, rule: string, message: string): RpcError {
  return new RpcError(status.INVALID_ARGUMENT, `${field}: ${message}`, field, rule);
}

/** Throws {@link invalid} unless `ok`. */
export function check(ok: boolean, field: string, rule: string, message: string): asserts ok {
  if (!ok) throw invalid(field, rule, message);
}

export const notFound = (message: string): RpcError => new RpcError(status.NOT_FOUND, message);
export const permissionDenied = (message: string): RpcError => new RpcError(status.PERMISSION_DENIED, message);
export const unauthenticated = (message: string): RpcError => new RpcError(status.UNAUTHENTICATED, message);
export const unavailable = (message: string): RpcError => new RpcError(status.UNAVAILABLE, message);
export const failedPrecondition = (message: string): RpcError => new RpcError(status.FAILED_PRECONDITION, message);
export const aborted = (message: string): RpcError => new RpcError(status.ABORTED, message);

/**
 * The status sent for anything a handler threw: an {@link RpcError} as it is (field and rule also
 * as trailers), anything else `INTERNAL` with no detail and its cause logged.
 */
export function toServiceError(error: unknown, logger: Logger): Partial<ServiceError> {
  if (error instanceof RpcError) {
    const metadata = new Metadata();
    if (error.field !== undefined) metadata.set('field', error.field);
    if (error.rule !== undefined) metadata.set('rule', error.rule);
    if (error.code === status.UNAVAILABLE) logger.warn({ err: error }, 'dependency unavailable, asked client to retry');
    return { code: error.code, details: error.message, metadata };
  }
  logger.error({ err: error }, 'rpc failed');
  return { code: status.INTERNAL, details: 'internal error' };
}
