import { context, propagation } from '@opentelemetry/api';
import type { Context, TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import { Match } from 'nats';
import type { MsgHdrs } from 'nats';

/** Writes propagation fields into NATS message headers, replacing any earlier value. */
export const natsHeadersSetter: TextMapSetter<MsgHdrs> = {
  set(headers, key, value) {
    headers.set(key, value);
  },
};

/**
 * Reads propagation fields from NATS message headers. Lookups ignore case because NATS headers
 * are case-sensitive while HTTP-minded publishers (and bridges) may send `Traceparent`.
 */
export const natsHeadersGetter: TextMapGetter<MsgHdrs | undefined> = {
  keys(headers) {
    return headers?.keys() ?? [];
  },
  get(headers, key) {
    if (headers === undefined || !headers.has(key, Match.IgnoreCase)) return undefined;
    return headers.get(key, Match.IgnoreCase);
  },
};

/**
 * Writes `traceparent`/`tracestate` (and `baggage`) for `ctx`, by default the active context,
 * into `headers` with the globally registered propagator. A no-op before the SDK is started.
 * Returns `headers` for chaining into `publish(subject, data, { headers })`.
 */
export function injectIntoNatsHeaders(headers: MsgHdrs, ctx: Context = context.active()): MsgHdrs {
  propagation.inject(ctx, headers, natsHeadersSetter);
  return headers;
}

/**
 * Returns `base` (by default the active context) extended with the remote span context and
 * baggage found in a received message's headers. Messages without headers (`msg.headers` is
 * `undefined`) or without `traceparent` yield `base` unchanged.
 */
export function extractFromNatsHeaders(
  headers: MsgHdrs | undefined,
  base: Context = context.active(),
): Context {
  if (headers === undefined) return base;
  return propagation.extract(base, headers, natsHeadersGetter);
}
