import { SpanKind } from '@opentelemetry/api';
import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api';
import type { MsgHdrs } from 'nats';
import { extractFromNatsHeaders, injectIntoNatsHeaders } from '../propagation/nats-headers.js';
import { injectIntoTraceCarrier, type TraceCarrier } from '../propagation/trace-carrier.js';
import { SEMCONV, SEMCONV_VALUES } from './semconv.js';
import { withSpan } from './with-span.js';

/** What a NATS publish or delivery span describes. */
export interface NatsSpanTarget {
  /** The subject, e.g. `sb.contacts.acme.phone`. */
  subject: string;
  /**
   * Low-cardinality form of the subject, e.g. `sb.agent.{domain}.{agentId}`; names the span
   * instead of the subject so per-agent subjects do not explode span-name cardinality.
   */
  subjectTemplate?: string;
  /** The message's headers: written to when publishing, read when processing. */
  headers?: MsgHdrs | undefined;
  /**
   * Processing only: the sender's context when it came in the message body rather than the
   * headers (one message carrying several events, each in its own trace); the headers are then
   * not read.
   */
  parent?: Context;
  /** Message id (JetStream `Nats-Msg-Id`, the contact's ULID...), when there is one. */
  messageId?: string;
  attributes?: Attributes;
}

/**
 * What a published message carries the span's context in: its headers, or — for a message holding
 * several items, each in its own trace — the item's {@link TraceCarrier} in the body.
 */
export type NatsPublishTarget = NatsSpanTarget & ({ headers: MsgHdrs } | { headers?: undefined; traceCarrier: TraceCarrier });

/**
 * Runs `fn` (which publishes) inside a `PRODUCER` span named `publish <subject>`, after writing
 * that span's context into `target.headers`, so the consumer's span becomes its child. Create the
 * headers with `headers()` from `nats` and pass the same object to `publish` (or give the item's
 * `traceCarrier` and encode it into the message after the context is written). When the active
 * context would not be recorded, no span is started and only an upstream context already active
 * is written (with its not-sampled flag, so the consumer keeps that decision).
 */
export function withNatsPublishSpan<T>(tracer: Tracer, target: NatsPublishTarget, fn: (span: Span) => T): T {
  return withSpan(tracer, () => spanName('publish', target), () => messagingAttributes(target, 'publish', SEMCONV_VALUES.operationTypeSend), (span) => {
    if (target.headers !== undefined) injectIntoNatsHeaders(target.headers);
    else injectIntoTraceCarrier(target.traceCarrier);
    return fn(span);
  }, { kind: SpanKind.PRODUCER });
}

/**
 * Runs `fn` (which handles a delivered message) inside a `CONSUMER` span named
 * `process <subject>`, parented on the context found in the message headers (or `target.parent`),
 * so one contact's journey through ingest, queueing and offer is one trace. Without trace headers
 * the span starts from the active context. Nothing is built for a span that would not record.
 */
export function withNatsProcessSpan<T>(tracer: Tracer, target: NatsSpanTarget, fn: (span: Span) => T): T {
  return withSpan(tracer, () => spanName('process', target), () => messagingAttributes(target, 'process', SEMCONV_VALUES.operationTypeProcess), fn, {
    kind: SpanKind.CONSUMER,
    parent: target.parent ?? extractFromNatsHeaders(target.headers),
  });
}

function spanName(operation: string, target: NatsSpanTarget): string {
  return `${operation} ${target.subjectTemplate ?? target.subject}`;
}

function messagingAttributes(target: NatsSpanTarget, operationName: string, operationType: string): Attributes {
  const attributes: Attributes = {
    ...target.attributes,
    [SEMCONV.messagingSystem]: SEMCONV_VALUES.messagingSystemNats,
    [SEMCONV.messagingDestinationName]: target.subject,
    [SEMCONV.messagingOperationName]: operationName,
    [SEMCONV.messagingOperationType]: operationType,
  };
  if (target.subjectTemplate !== undefined) {
    attributes[SEMCONV.messagingDestinationTemplate] = target.subjectTemplate;
  }
  if (target.messageId !== undefined) attributes[SEMCONV.messagingMessageId] = target.messageId;
  return attributes;
}
