import { status } from '@grpc/grpc-js';
import { RpcError, unavailable } from './errors.js';

/** The router's answer shape (see @switchboard/router-api), structurally: no dependency on it here. */
export type RouterAnswer = { ok: true; [key: string]: unknown } | { ok: false; code: string; message: string; field?: string };

/** How a router error code reads as a gRPC status. Engine codes are the caller's fault or a race. */
const STATUS_OF: Record<string, status> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  NOT_FOUND: status.NOT_FOUND,
  UNAVAILABLE: status.UNAVAILABLE,
  'ROUTING.UNKNOWN_CONTACT': status.NOT_FOUND,
  'ROUTING.UNKNOWN_AGENT': status.NOT_FOUND,
  'ROUTING.UNKNOWN_QUEUE': status.NOT_FOUND,
  'ROUTING.WRONG_AGENT': status.PERMISSION_DENIED,
  'ROUTING.INVALID_TRANSITION': status.FAILED_PRECONDITION,
  'ROUTING.AGENT_AT_CAPACITY': status.FAILED_PRECONDITION,
  'ROUTING.INVALID_CONFIG': status.INVALID_ARGUMENT,
  'ROUTING.INVALID_DISPOSITION': status.INVALID_ARGUMENT,
  'ROUTING.INVALID_CALLBACK_NUMBER': status.INVALID_ARGUMENT,
  'ROUTING.INVALID_QA_SCORE': status.INVALID_ARGUMENT,
};

/**
 * Sends a router request and returns its successful reply. `UNAVAILABLE` (the command is committed
 * but not yet recorded, or the owner is changing) and NATS timeouts are retried with the same
 * request — commands are idempotent by id — until `deadlineMs` passes.
 * @throws RpcError with the status for the router's code (engine `ROUTING.*` codes keep their
 * message, which names ids the caller sent and nothing internal); UNAVAILABLE when no router answered.
 */
export async function callRouter(send: () => Promise<RouterAnswer>, deadlineMs = 8_000): Promise<Extract<RouterAnswer, { ok: true }>> {
  const until = Date.now() + deadlineMs;
  for (let attempt = 0; ; attempt++) {
    let reply: RouterAnswer | undefined;
    try {
      reply = await send();
    } catch {
      reply = undefined; // no responder or timeout: the domain has no owner right now
    }
    if (reply?.ok) return reply;
    const retry = reply === undefined || reply.code === 'UNAVAILABLE';
    if (!retry) throw routerError(reply!);
    if (Date.now() > until) throw unavailable('the router is not answering now; retry');
    await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** attempt, 500)));
  }
}

function routerError(reply: Extract<RouterAnswer, { ok: false }>): RpcError {
  const code = STATUS_OF[reply.code] ?? status.INTERNAL;
  if (code === status.INTERNAL) return new RpcError(status.INTERNAL, 'internal error');
  return new RpcError(code, reply.message, reply.field);
}
