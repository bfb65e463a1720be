import { context, propagation } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';

/**
 * Trace context carried inside a message body (a proto `map<string, string>`) rather than in its
 * headers: for a message holding several items, each in its own trace. Keys and values are the
 * W3C header names and values (`traceparent`, `tracestate`, `baggage`).
 */
export type TraceCarrier = Record<string, string>;

/** Writes the propagation fields of `ctx` (by default the active context) into `carrier`; returns it. */
export function injectIntoTraceCarrier(carrier: TraceCarrier, ctx: Context = context.active()): TraceCarrier {
  propagation.inject(ctx, carrier);
  return carrier;
}

/**
 * Returns `base` (by default the active context) extended with the remote span context and
 * baggage in `carrier`; an empty or absent carrier yields `base` unchanged.
 */
export function extractFromTraceCarrier(carrier: Readonly<TraceCarrier> | undefined, base: Context = context.active()): Context {
  if (carrier === undefined || Object.keys(carrier).length === 0) return base;
  return propagation.extract(base, carrier);
}
