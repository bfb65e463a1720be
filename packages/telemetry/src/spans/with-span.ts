import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Context, Link, Span, SpanKind, Tracer } from '@opentelemetry/api';
import { redactText } from '../redaction/patterns.js';
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

/**
 * Runs `fn` inside a new active span and ends the span when `fn` returns or, for a promise, when
 * it settles. When `fn` throws or rejects, the exception is recorded (with personal data removed
 * from its message and stack: traces are stored like logs), the status is set to `ERROR` and the
 * error is rethrown unchanged. Success leaves the status `UNSET`, as the OpenTelemetry spec asks
 * of instrumentation.
 */
export function withSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  fn: (span: Span) => T,
  options: SpanOptions = {},
): T {
  const parent = options.parent ?? context.active();
  const spanOptions = { kind: options.kind, attributes, links: options.links };
  return tracer.startActiveSpan(name, spanOptions, parent, (span) =>
    settle(
      () => fn(span),
      () => span.end(),
      (error) => {
        failSpan(span, error);
        span.end();
      },
    ),
  );
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
