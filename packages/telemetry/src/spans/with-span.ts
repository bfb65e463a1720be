import { context, INVALID_SPAN_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Context, Link, Span, SpanKind, Tracer } from '@opentelemetry/api';
import { redactText } from '../redaction/patterns.js';
import { mayRecord } from './recording.js';
import { SEMCONV } from './semconv.js';
import { settle } from './settle.js';

/** Options for {@link withSpan} beyond name and attributes. */
export interface SpanOptions {
  /** Defaults to `INTERNAL`. */
  kind?: SpanKind;
  /** Parent context; defaults to the active one (e.g. a context extracted from NATS headers). */
  parent?: Context;
  links?: Link[];
}

/**
 * Returns the tracer for an instrumentation scope, e.g. `getTracer('@switchboard/nats-bus')`.
 * A no-op tracer until the service starts the SDK, so libraries may call it at import time.
 */
export function getTracer(name: string, version?: string): Tracer {
  return trace.getTracer(name, version);
}

/** Attributes, or a function building them: called only for a span that records. */
export type LazyAttributes = Attributes | (() => Attributes);

/** What an unrecorded span's `fn` receives when its parent holds no span: records nothing. */
const UNRECORDED = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * Runs `fn` inside a new active span and ends the span when `fn` returns or, for a promise, when
 * it settles. When `fn` throws or rejects, the exception is recorded (with personal data removed
 * from its message and stack: traces are stored like logs), the status is set to `ERROR` and the
 * error is rethrown unchanged. Success leaves the status `UNSET`, as the OpenTelemetry spec asks
 * of instrumentation.
 *
 * When no span would be recorded ({@link mayRecord}: the parent is not sampled, or there is none
 * and the root ratio is 0) no span is started and `name`'s template and `attributes` are never
 * built: `fn` runs in the parent context (so an upstream trace still propagates, with its
 * not-sampled flag) and receives the parent's span, or a non-recording one. Attributes are set
 * only on a span that records; pass a function to build them only then.
 */
export function withSpan<T>(
  tracer: Tracer,
  name: string | (() => string),
  attributes: LazyAttributes,
  fn: (span: Span) => T,
  options: SpanOptions = {},
): T {
  const active = context.active();
  const parent = options.parent ?? active;
  if (!mayRecord(parent)) {
    const span = trace.getSpan(parent) ?? UNRECORDED;
    return parent === active ? fn(span) : context.with(parent, fn, undefined, span);
  }
  const spanOptions = { kind: options.kind, links: options.links };
  return tracer.startActiveSpan(typeof name === 'string' ? name : name(), spanOptions, parent, (span) => {
    // Set after the start rather than passed to it: our samplers do not read attributes, and a
    // root under a ratio between 0 and 1 is decided only inside startActiveSpan.
    if (span.isRecording()) span.setAttributes(typeof attributes === 'function' ? attributes() : attributes);
    return settle(
      () => fn(span),
      () => span.end(),
      (error) => {
        failSpan(span, error);
        span.end();
      },
    );
  });
}

/** Records `error` on `span` and marks the span failed, without leaking personal data. */
export function failSpan(span: Span, error: unknown): void {
  const { type, message, stack } = describe(error);
  span.recordException({ name: type, message, ...(stack === undefined ? {} : { stack }) });
  span.setAttribute(SEMCONV.errorType, type);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

function describe(error: unknown): { type: string; message: string; stack?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const type = typeof code === 'string' ? code : error.name;
    const stack = error.stack === undefined ? undefined : redactText(error.stack);
    return { type, message: redactText(error.message), ...(stack === undefined ? {} : { stack }) };
  }
  return { type: typeof error, message: redactText(String(error)) };
}
