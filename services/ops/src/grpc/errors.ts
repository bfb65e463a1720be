import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { isOpsError, OPS_ERROR_CODES } from '../errors.js';

/**
 * The gRPC status for anything a handler threw: INVALID_ARGUMENT names the field (in the message
 * and a `field` trailer), NOT_FOUND, UNAVAILABLE, UNAUTHENTICATED and PERMISSION_DENIED keep their message, anything else is INTERNAL
 * with no detail and its cause logged.
 */
export function toGrpcError(error: unknown, logger: Logger): Partial<ServiceError> {
  if (isOpsError(error)) {
    switch (error.code) {
      case OPS_ERROR_CODES.invalidArgument: {
        const metadata = new Metadata();
        if (error.field) metadata.set('field', error.field);
        return { code: status.INVALID_ARGUMENT, details: error.message, metadata };
      }
      case OPS_ERROR_CODES.notFound:
        return { code: status.NOT_FOUND, details: error.message };
      case OPS_ERROR_CODES.unauthenticated:
        return { code: status.UNAUTHENTICATED, details: error.message };
      case OPS_ERROR_CODES.permissionDenied:
        return { code: status.PERMISSION_DENIED, details: error.message };
      case OPS_ERROR_CODES.failedPrecondition:
        return { code: status.FAILED_PRECONDITION, details: error.message };
      case OPS_ERROR_CODES.badGateway:
      case OPS_ERROR_CODES.unavailable:
        logger.warn({ err: error.cause ?? error }, 'dependency unavailable');
        return { code: status.UNAVAILABLE, details: error.message };
    }
  }
  logger.error({ err: error }, 'rpc failed');
  return { code: status.INTERNAL, details: 'internal error' };
}
