import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { classifyError } from '@switchboard/ingest-kit';
import type { Logger } from '@switchboard/telemetry';

/**
 * The gRPC status for anything thrown by a handler (the ingest kit's one classification):
 * INVALID_ARGUMENT names the field in the message and in `field`/`rule` trailers; a bus outage is
 * UNAVAILABLE (clients retry); a rate limit is RESOURCE_EXHAUSTED with `retry-after` (seconds)
 * and `grpc-retry-pushback-ms` trailers; anything unexpected is INTERNAL with no detail, its cause logged.
 */
export function toGrpcError(error: unknown, logger: Logger): Partial<ServiceError> {
  const failure = classifyError(error);
  const metadata = new Metadata();
  switch (failure.kind) {
    case 'invalid':
      metadata.set('field', failure.field);
      metadata.set('rule', failure.rule);
      return { code: status.INVALID_ARGUMENT, details: failure.message, metadata };
    case 'unauthenticated':
      return { code: status.UNAUTHENTICATED, details: failure.message };
    case 'forbidden':
      return { code: status.PERMISSION_DENIED, details: failure.message };
    case 'unavailable':
      logger.warn({ err: error }, 'bus unavailable, asked client to retry');
      return { code: status.UNAVAILABLE, details: failure.message };
    case 'too_large':
      return { code: status.RESOURCE_EXHAUSTED, details: failure.message };
    case 'rate_limited':
      // The wait in seconds for any client, and gRPC's own retry pushback (gRFC A6) in ms, which
      // grpc clients with a retry policy obey.
      metadata.set('retry-after', String(failure.retryAfterSeconds));
      metadata.set('grpc-retry-pushback-ms', String(failure.retryAfterSeconds * 1000));
      return { code: status.RESOURCE_EXHAUSTED, details: `${failure.message}, retry after ${failure.retryAfterSeconds} s`, metadata };
    default:
      logger.error({ err: error }, 'rpc failed');
      return { code: status.INTERNAL, details: 'internal error' };
  }
}
