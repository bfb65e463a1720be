import type { handleServerStreamingCall, handleUnaryCall, ServerUnaryCall, ServerWritableStream, ServiceError } from '@grpc/grpc-js';
import type { Tracer } from '@opentelemetry/api';
import { withGrpcServerSpan, type Logger } from '@switchboard/telemetry';
import type { Principal, TokenVerifier } from './auth.js';
import { toServiceError } from './errors.js';

/** What every handler of one gRPC service shares. */
export interface EdgeContext {
  /** Fully qualified service name, e.g. `switchboard.v1.AgentService`. */
  readonly service: string;
  readonly tracer: Tracer;
  readonly logger: Logger;
  readonly verifier: TokenVerifier;
}

/**
 * A unary handler: a server span parented on the caller's trace context, the bearer token
 * verified first, and one translation of whatever is thrown to a status.
 */
export function unary<Req, Res>(
  ctx: EdgeContext,
  method: string,
  handle: (request: Req, principal: Principal, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    withGrpcServerSpan(ctx.tracer, { service: ctx.service, method, metadata: call.metadata }, async () => {
      const principal = await ctx.verifier.authenticate(call.metadata);
      return handle(call.request, principal, call);
    }).then(
      (response) => callback(null, response),
      (error: unknown) => callback(toServiceError(error, ctx.logger) as ServiceError),
    );
  };
}

/**
 * A server-streaming handler. The span covers authentication and set-up (`open`), not the
 * stream's whole life: a desktop stream lives for hours, and a span that long is useless in a
 * trace view. `open` writes to the stream and returns once it is wired; errors end the stream
 * with their status.
 */
export function serverStream<Req, Res>(
  ctx: EdgeContext,
  method: string,
  open: (request: Req, principal: Principal, call: ServerWritableStream<Req, Res>) => Promise<void>,
): handleServerStreamingCall<Req, Res> {
  return (call) => {
    withGrpcServerSpan(ctx.tracer, { service: ctx.service, method, metadata: call.metadata }, async () => {
      const principal = await ctx.verifier.authenticate(call.metadata);
      await open(call.request, principal, call);
    }).catch((error: unknown) => failStream(call, error, ctx.logger));
  };
}

/**
 * Calls `fn` once when the client goes away from a server stream: cancelled (disconnect, client
 * cancel, deadline), closed, or ended with an error. A call that went away before this is called
 * (during authentication or set-up: grpc-js emits `cancelled` once, to the listeners present then)
 * runs `fn` at once, so whatever a handler registered for the stream is removed in every ending.
 */
export function onCallGone(call: ServerWritableStream<unknown, unknown>, fn: () => void): void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    fn();
  };
  call.on('cancelled', once);
  call.on('close', once);
  call.on('error', once);
  if (call.cancelled || call.destroyed || call.writableFinished) once();
}

/** Ends a server stream with the status for `error` (unknown errors: INTERNAL, cause logged). */
export function failStream(call: ServerWritableStream<unknown, unknown>, error: unknown, logger: Logger): void {
  if (call.cancelled || call.destroyed) return;
  call.emit('error', toServiceError(error, logger));
}
