import { Metadata } from '@grpc/grpc-js';
import { context, createTraceState, propagation, trace, TraceFlags } from '@opentelemetry/api';
import type { SpanContext } from '@opentelemetry/api';
import { headers } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTelemetry } from '../sdk/test-telemetry.js';
import type { TestTelemetry } from '../sdk/test-telemetry.js';
import { TRACE_HEADERS } from './header-names.js';
import { extractFromGrpcMetadata, injectIntoGrpcMetadata } from './grpc-metadata.js';
import { extractFromNatsHeaders, injectIntoNatsHeaders } from './nats-headers.js';

// A fixed remote span, so the assertions compare against known ids rather than whatever the
// injected header happens to say.
const SENT: SpanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
  traceState: undefined,
};
const sentContext = () => trace.setSpanContext(context.active(), SENT);

let telemetry: TestTelemetry;
beforeAll(() => {
  telemetry = startTestTelemetry();
});
afterAll(async () => {
  await telemetry.shutdown();
});

function received(ctx: ReturnType<typeof context.active>): SpanContext | undefined {
  return trace.getSpanContext(ctx);
}

describe('NATS headers', () => {
  it('round-trips trace id, span id, flags, tracestate and baggage', () => {
    const baggage = propagation.createBaggage({ tenant: { value: 'acme' } });
    const withBaggage = propagation.setBaggage(context.active(), baggage);
    const withState = trace.setSpanContext(withBaggage, { ...SENT, traceState: createTraceState('sb=1') });

    const h = injectIntoNatsHeaders(headers(), withState);

    expect(h.get(TRACE_HEADERS.traceparent)).toBe(`00-${SENT.traceId}-${SENT.spanId}-01`);
    const got = received(extractFromNatsHeaders(h));
    expect(got).toMatchObject({ traceId: SENT.traceId, spanId: SENT.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    expect(got?.traceState?.serialize()).toBe('sb=1');
    expect(propagation.getBaggage(extractFromNatsHeaders(h))?.getEntry('tenant')?.value).toBe('acme');
  });

  it('reads headers written by a publisher that capitalised the name', () => {
    const h = headers();
    h.set('Traceparent', `00-${SENT.traceId}-${SENT.spanId}-01`);
    expect(received(extractFromNatsHeaders(h))?.traceId).toBe(SENT.traceId);
  });

  it('yields the base context when a message has no headers or no traceparent', () => {
    expect(received(extractFromNatsHeaders(undefined))).toBeUndefined();
    const h = headers();
    h.set('Nats-Msg-Id', '01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(received(extractFromNatsHeaders(h))).toBeUndefined();
  });

  it('injects the active span when no context is given', () => {
    const h = context.with(sentContext(), () => injectIntoNatsHeaders(headers()));
    expect(received(extractFromNatsHeaders(h))?.spanId).toBe(SENT.spanId);
  });
});

describe('gRPC metadata', () => {
  it('round-trips trace id and span id', () => {
    const metadata = injectIntoGrpcMetadata(new Metadata(), sentContext());

    expect(metadata.get(TRACE_HEADERS.traceparent)).toEqual([`00-${SENT.traceId}-${SENT.spanId}-01`]);
    expect(received(extractFromGrpcMetadata(metadata))).toMatchObject({
      traceId: SENT.traceId,
      spanId: SENT.spanId,
      isRemote: true,
    });
  });

  it('ignores binary metadata and yields the base context without traceparent', () => {
    const metadata = new Metadata();
    metadata.set('traceparent-bin', Buffer.from('not text'));
    expect(received(extractFromGrpcMetadata(metadata))).toBeUndefined();
  });
});
