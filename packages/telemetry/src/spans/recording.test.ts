import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { headers } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelemetry } from '../sdk/start-telemetry.js';
import type { Telemetry } from '../sdk/start-telemetry.js';
import { startTestTelemetry } from '../sdk/test-telemetry.js';
import { withNatsProcessSpan, withNatsPublishSpan } from './messaging.js';
import { mayRecord } from './recording.js';
import { getTracer, withSpan } from './with-span.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const upstream = (flags: TraceFlags) =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE, spanId: '00f067aa0ba902b7', traceFlags: flags, isRemote: true });
const traceparentOf = (flags: string) => {
  const h = headers();
  h.set('traceparent', `00-${TRACE}-00f067aa0ba902b7-${flags}`);
  return h;
};

describe('spans at a root ratio of 0 (tracing off)', () => {
  let started: Telemetry | undefined;
  afterEach(async () => {
    await started?.shutdown();
    started = undefined;
  });

  it('starts no span for a new trace and builds neither its name nor its attributes', () => {
    started = startTelemetry({ service: 'router', sampleRatio: 0, env: {} });
    const tracer = getTracer('t');
    let built = 0;
    const result = withSpan(tracer, () => { built++; return 'route contact'; }, () => { built++; return {}; }, (span) => {
      expect(span.isRecording()).toBe(false);
      expect(trace.getActiveSpan()).toBeUndefined();
      return 7;
    });
    expect(result).toBe(7);
    expect(built).toBe(0);
    expect(mayRecord(ROOT_CONTEXT)).toBe(false);
  });

  it('writes no trace context for a new trace, and passes on an upstream not-sampled one unchanged', () => {
    started = startTelemetry({ service: 'router', sampleRatio: 0, env: {} });
    const tracer = getTracer('t');
    const fresh = headers();
    withNatsPublishSpan(tracer, { subject: 'sb.agent.d.a1', headers: fresh }, () => undefined);
    expect(fresh.has('traceparent')).toBe(false);

    const forwarded = headers();
    withNatsProcessSpan(tracer, { subject: 'sb.contacts.d.chat', headers: traceparentOf('00') }, () =>
      withNatsPublishSpan(tracer, { subject: 'sb.agent.d.a1', headers: forwarded }, (span) => expect(span.isRecording()).toBe(false)));
    // The downstream service keeps the upstream decision (not sampled) and the same trace.
    expect(forwarded.get('traceparent')).toBe(`00-${TRACE}-00f067aa0ba902b7-00`);
  });

  it('still records a trace sampled upstream, with its attributes, and propagates the new span', () => {
    started = startTelemetry({ service: 'router', sampleRatio: 0, env: {} });
    const tracer = getTracer('t');
    const out = headers();
    let spanId = '';
    withNatsProcessSpan(tracer, { subject: 'sb.contacts.d.chat', headers: traceparentOf('01') }, (process) => {
      expect(process.isRecording()).toBe(true);
      withNatsPublishSpan(tracer, { subject: 'sb.agent.d.a1', headers: out }, (publish) => {
        expect(publish.isRecording()).toBe(true);
        spanId = publish.spanContext().spanId;
      });
    });
    expect(out.get('traceparent')).toBe(`00-${TRACE}-${spanId}-01`);
  });
});

describe('mayRecord', () => {
  it('follows the parent\'s sampled flag, and for a new trace the root ratio', async () => {
    expect(mayRecord(ROOT_CONTEXT)).toBe(false); // no SDK: the API records nothing
    const telemetry = startTestTelemetry();
    try {
      expect(mayRecord(ROOT_CONTEXT)).toBe(true);
      expect(mayRecord(upstream(TraceFlags.NONE))).toBe(false);
      expect(mayRecord(upstream(TraceFlags.SAMPLED))).toBe(true);
      // An explicit parent wins over the active context, in either direction.
      context.with(upstream(TraceFlags.SAMPLED), () => {
        withSpan(getTracer('t'), 'x', {}, (span) => expect(span.isRecording()).toBe(false), { parent: upstream(TraceFlags.NONE) });
      });
      withSpan(getTracer('t'), 'x', {}, (span) => expect(span.isRecording()).toBe(true), { parent: upstream(TraceFlags.SAMPLED) });
    } finally {
      await telemetry.shutdown();
    }
    expect(mayRecord(ROOT_CONTEXT)).toBe(false);
  });
});
