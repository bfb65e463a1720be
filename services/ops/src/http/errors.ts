import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { isOpsError, OPS_ERROR_CODES } from '../errors.js';

const STATUS: Record<string, number> = {
  [OPS_ERROR_CODES.invalidArgument]: 400,
  [OPS_ERROR_CODES.notFound]: 404,
  [OPS_ERROR_CODES.unavailable]: 503,
  [OPS_ERROR_CODES.unauthenticated]: 401,
  [OPS_ERROR_CODES.permissionDenied]: 403,
  [OPS_ERROR_CODES.failedPrecondition]: 409,
  [OPS_ERROR_CODES.badGateway]: 502,
};

/**
 * The HTTP answer for anything a handler threw: an OpsError keeps its code, field and message;
 * anything else is a 500 with no detail, its cause logged.
 */
export function sendError(reply: FastifyReply, error: unknown, logger: Logger): FastifyReply {
  if (isOpsError(error)) {
    if (error.code === OPS_ERROR_CODES.unavailable || error.code === OPS_ERROR_CODES.badGateway) logger.warn({ err: error.cause ?? error }, 'dependency unavailable');
    // RFC 6750: a 401 names the scheme that would let the caller in.
    if (error.code === OPS_ERROR_CODES.unauthenticated) reply.header('www-authenticate', 'Bearer realm="switchboard-ops"');
    return reply.code(STATUS[error.code] ?? 500).send({ error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } });
  }
  logger.error({ err: error }, 'request failed');
  return reply.code(500).send({ error: { code: 'OPS.INTERNAL', message: 'internal error' } });
}
