import { context, propagation } from '@opentelemetry/api';
import type { Context, TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import type { Metadata } from '@grpc/grpc-js';

/** Writes propagation fields into gRPC metadata, replacing any earlier value. */
export const grpcMetadataSetter: TextMapSetter<Metadata> = {
  set(metadata, key, value) {
    metadata.set(key, value);
  },
};

/**
 * Reads propagation fields from gRPC metadata. Only text values count: a `-bin` key holds
 * Buffers, which no W3C header uses.
 */
export const grpcMetadataGetter: TextMapGetter<Metadata> = {
  keys(metadata) {
    return Object.keys(metadata.getMap());
  },
  get(metadata, key) {
    const values = metadata.get(key).filter((value): value is string => typeof value === 'string');
    if (values.length === 0) return undefined;
    return values.length === 1 ? values[0] : values;
  },
};

/**
 * Writes `traceparent`/`tracestate` (and `baggage`) for `ctx`, by default the active context,
 * into outgoing call metadata. A no-op before the SDK is started. Returns `metadata`.
 */
export function injectIntoGrpcMetadata(metadata: Metadata, ctx: Context = context.active()): Metadata {
  propagation.inject(ctx, metadata, grpcMetadataSetter);
  return metadata;
}

/**
 * Returns `base` (by default the active context) extended with the caller's span context and
 * baggage from incoming call metadata (`call.metadata` in a grpc-js handler).
 */
export function extractFromGrpcMetadata(metadata: Metadata, base: Context = context.active()): Context {
  return propagation.extract(base, metadata, grpcMetadataGetter);
}
