import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestTelemetry } from '../sdk/test-telemetry.js';
import type { TestTelemetry } from '../sdk/test-telemetry.js';
import { getTracer, withSpan } from './with-span.js';

let telemetry: TestTelemetry;
beforeAll(() => {
  telemetry = startTestTelemetry();
});
beforeEach(() => telemetry.reset());
afterAll(async () => {
  await telemetry.shutdown();
});

const tracer = getTracer('with-span-test');

function onlySpan() {
  const spans = telemetry.spans();
  expect(spans).toHaveLength(1);
  return spans[0]!;
}

describe('withSpan', () => {
  it('returns the value, ends the span with its attributes and leaves the status unset', () => {
    const result = withSpan(tracer, 'route contact', { 'switchboard.queue_id': 'billing' }, () => 42);

    expect(result).toBe(42);
    const span = onlySpan();
    expect(span.name).toBe('route contact');
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.attributes).toMatchObject({ 'switchboard.queue_id': 'billing' });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records an error status and the exception when the fn throws, and rethrows it', () => {
    const failure = new Error('agent +8613800138000 unreachable');

    expect(() => withSpan(tracer, 'offer', {}, () => { throw failure; })).toThrow(failure);

    const span = onlySpan();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'agent [phone] unreachable' });
    expect(span.attributes['error.type']).toBe('Error');
    const exception = span.events.find((event) => event.name === 'exception');
    expect(exception?.attributes).toMatchObject({
      'exception.type': 'Error',
      'exception.message': 'agent [phone] unreachable',
    });
    expect(JSON.stringify(span.events)).not.toContain('13800138000');
  });

  it('ends async spans when the promise settles and records a rejection', async () => {
    let ended = false;
    const pending = withSpan(tracer, 'persist', {}, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      ended = telemetry.spans().length > 0;
      throw Object.assign(new Error('redis down'), { code: 'STATE.UNAVAILABLE' });
    });

    await expect(pending).rejects.toThrow('redis down');
    expect(ended).toBe(false);
    const span = onlySpan();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('STATE.UNAVAILABLE');
  });

  it('makes the span active inside the fn, so nested spans are its children', async () => {
    await withSpan(tracer, 'outer', {}, async (outer) => {
      await Promise.resolve();
      withSpan(tracer, 'inner', {}, () => undefined);
      return outer;
    });

    const [inner, outer] = telemetry.spans();
    expect(inner?.name).toBe('inner');
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
    expect(inner?.spanContext().traceId).toBe(outer?.spanContext().traceId);
  });
});
