import { SpanKind, type Attributes, type Span } from '@opentelemetry/api';
import { getTracer, withSpan } from '@switchboard/telemetry';

const tracer = getTracer('@switchboard/ingest-kit');

/**
 * Runs the handling of one platform request (a webhook, an SMTP message, an RPC) in a `SERVER`
 * span named `receive <channel> <operation>`, e.g. `receive phone twilio.voice`. The publish span
 * of the contact becomes its child, and from there the router's processing span.
 * Attributes must not carry customer identifiers.
 */
export function withReceiveSpan<T>(channel: string, operation: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return withSpan(tracer, `receive ${channel} ${operation}`, {
    ...attributes,
    'switchboard.channel': channel,
    'switchboard.ingest.operation': operation,
  }, fn, { kind: SpanKind.SERVER });
}
