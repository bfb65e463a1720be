import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { classifyError, type IngestFailure } from './error-mapper.js';
import { BODY_FIELD } from './errors.js';

/** The JSON body of every HTTP error answer. `field` and `rule` are always set for a 400. */
export interface HttpErrorBody {
  readonly error: string;
  readonly field?: string;
  readonly rule?: string;
}

/** An HTTP answer for a failure: status, extra headers and JSON body. */
export interface HttpFailureReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: HttpErrorBody;
}

const STATUS: Record<IngestFailure['kind'], number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

/** Maps a classified failure to its HTTP answer; never includes an internal error's message. */
export function httpReplyFor(failure: IngestFailure): HttpFailureReply {
  const status = STATUS[failure.kind];
  switch (failure.kind) {
    case 'invalid':
      return { status, headers: {}, body: { error: failure.message, field: failure.field, rule: failure.rule } };
    case 'too_large':
      return { status, headers: {}, body: { error: failure.message, field: BODY_FIELD, rule: 'max_bytes' } };
    case 'rate_limited':
    case 'unavailable':
      return { status, headers: { 'retry-after': String(failure.retryAfterSeconds) }, body: { error: failure.message } };
    default:
      return { status, headers: {}, body: { error: failure.message } };
  }
}

/**
 * fastify error handler: classify, log (the cause only for 5xx, without bodies), answer.
 * Installed by `createIngestHttpServer`; exported for services that build their own server.
 */
export function createHttpErrorHandler(logger: Logger) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const failure = classifyError(error);
    const answer = httpReplyFor(failure);
    const fields = { method: request.method, route: request.routeOptions.url ?? 'unknown', status: answer.status };
    if (failure.kind === 'internal') logger.error({ ...fields, err: error }, 'request failed');
    else if (failure.kind === 'unavailable') logger.warn({ ...fields, err: error }, 'bus unavailable, asked platform to retry');
    else logger.info({ ...fields, kind: failure.kind, field: answer.body.field, rule: answer.body.rule }, 'request refused');
    return reply.code(answer.status).headers(answer.headers).type('application/json').send(answer.body);
  };
}
