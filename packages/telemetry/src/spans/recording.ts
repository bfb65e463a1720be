import { isSpanContextValid, trace, TraceFlags } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';

/**
 * The share of new (root) traces the registered SDK samples: 0 while none is registered (the API
 * is a no-op), the resolved `OTEL_TRACES_SAMPLER_ARG` under `startTelemetry`, 1 under
 * `startTestTelemetry`. Kept here, beside the span helpers, so they can tell without the SDK
 * whether a span would be recorded.
 */
let rootSampleRatio = 0;

/** Called by the SDK starters and by `unregisterGlobally` (0): not part of the public surface. */
export function setRootSampleRatio(ratio: number): void {
  rootSampleRatio = ratio;
}

/**
 * Whether a span started now under `parent` may be recorded, decided the way the SDK's
 * `ParentBased(TraceIdRatio)` sampler decides, before anything is built for it: under a valid
 * parent (local or remote) the parent's sampled flag; for a new trace, whether the root ratio is
 * above 0. False means no span would be recorded, so callers may skip the span, its name and its
 * attributes altogether. True for a root under a ratio between 0 and 1 only means "maybe": the
 * sampler decides on the trace id, so check `span.isRecording()` before building attributes.
 */
export function mayRecord(parent: Context): boolean {
  const parentContext = trace.getSpanContext(parent);
  if (parentContext !== undefined && isSpanContextValid(parentContext)) {
    return (parentContext.traceFlags & TraceFlags.SAMPLED) !== 0;
  }
  return rootSampleRatio > 0;
}
