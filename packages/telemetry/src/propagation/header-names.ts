/**
 * Names of the W3C headers that carry trace context and baggage between services, used verbatim
 * as NATS header names and gRPC metadata keys (gRPC lower-cases keys; these already are).
 */
export const TRACE_HEADERS = {
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  baggage: 'baggage',
} as const;

/** One of {@link TRACE_HEADERS}. */
export type TraceHeaderName = (typeof TRACE_HEADERS)[keyof typeof TRACE_HEADERS];
