import { isSpanContextValid, trace } from '@opentelemetry/api';

/** The correlation fields a log line carries when it is written inside a span. */
export interface LogTraceFields {
  trace_id?: string;
  span_id?: string;
}

/**
 * pino `mixin`: the ids of the active span, in the OpenTelemetry log data model's field names so
 * log backends link lines to traces without mapping. Unsampled spans still carry valid ids and are
 * included: the trace id then still groups one contact's lines across services.
 */
export function traceFieldsMixin(): LogTraceFields {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
