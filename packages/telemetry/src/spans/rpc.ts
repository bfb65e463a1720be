import { SpanKind } from '@opentelemetry/api';
import type { Attributes, Span, Tracer } from '@opentelemetry/api';
import type { Metadata } from '@grpc/grpc-js';
import { extractFromGrpcMetadata, injectIntoGrpcMetadata } from '../propagation/grpc-metadata.js';
import { SEMCONV, SEMCONV_VALUES } from './semconv.js';
import { settle } from './settle.js';
import { withSpan } from './with-span.js';

/** The gRPC call a span describes. */
export interface GrpcCallTarget {
  /** Fully qualified service, e.g. `switchboard.v1.AgentService`. */
  service: string;
  /** Method name, e.g. `AcceptOffer`. */
  method: string;
  /** Outgoing metadata (client, written to) or `call.metadata` (server, read from). */
  metadata: Metadata;
  attributes?: Attributes;
}

// grpc-js status codes this file needs; importing `status` would load grpc-js at runtime.
const GRPC_OK = 0;
const GRPC_UNKNOWN = 2;

/**
 * Runs `fn` (which makes the call with `target.metadata`) inside a `CLIENT` span named
 * `<service>/<method>`, after writing the span's context into the metadata.
 */
export function withGrpcClientSpan<T>(tracer: Tracer, target: GrpcCallTarget, fn: (span: Span) => T): T {
  return withSpan(tracer, () => spanName(target), () => rpcAttributes(target), (span) => {
    injectIntoGrpcMetadata(target.metadata);
    return recordStatusCode(span, () => fn(span));
  }, { kind: SpanKind.CLIENT });
}

/**
 * Runs a handler inside a `SERVER` span named `<service>/<method>`, parented on the caller's
 * context from the incoming metadata.
 */
export function withGrpcServerSpan<T>(tracer: Tracer, target: GrpcCallTarget, fn: (span: Span) => T): T {
  return withSpan(tracer, () => spanName(target), () => rpcAttributes(target), (span) => recordStatusCode(span, () => fn(span)), {
    kind: SpanKind.SERVER,
    parent: extractFromGrpcMetadata(target.metadata),
  });
}

/**
 * Sets `rpc.grpc.status_code`: `OK` on success, the error's numeric `code` when it has one
 * (grpc-js `ServiceError`, or a handler error already mapped at the edge), else `UNKNOWN`.
 */
function recordStatusCode<T>(span: Span, run: () => T): T {
  return settle(
    run,
    () => span.setAttribute(SEMCONV.rpcGrpcStatusCode, GRPC_OK),
    (error) => span.setAttribute(SEMCONV.rpcGrpcStatusCode, statusCodeOf(error)),
  );
}

function statusCodeOf(error: unknown): number {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && Number.isInteger(code) && code >= 0 && code <= 16 ? code : GRPC_UNKNOWN;
}

function spanName(target: GrpcCallTarget): string {
  return `${target.service}/${target.method}`;
}

function rpcAttributes(target: GrpcCallTarget): Attributes {
  return {
    ...target.attributes,
    [SEMCONV.rpcSystem]: SEMCONV_VALUES.rpcSystemGrpc,
    [SEMCONV.rpcService]: target.service,
    [SEMCONV.rpcMethod]: target.method,
  };
}
