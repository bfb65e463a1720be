import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { TELEMETRY_ERROR_CODES, TelemetryConfigError } from '../errors.js';
import { resolveSampleRatio } from './sample-ratio.js';
import { otlpTracesUrl, startTelemetry } from './start-telemetry.js';
import type { Telemetry } from './start-telemetry.js';

describe('resolveSampleRatio', () => {
  it('prefers the environment, then the option, then keeps everything', () => {
    expect(resolveSampleRatio(0.5, { OTEL_TRACES_SAMPLER_ARG: '0.01' })).toBe(0.01);
    expect(resolveSampleRatio(0.5, { OTEL_TRACES_SAMPLER_ARG: ' ' })).toBe(0.5);
    expect(resolveSampleRatio(undefined, {})).toBe(1);
  });

  it.each([
    [undefined, { OTEL_TRACES_SAMPLER_ARG: 'half' }],
    [undefined, { OTEL_TRACES_SAMPLER_ARG: '1.5' }],
    [-0.1, {}],
    [Number.NaN, {}],
  ])('refuses option %s with env %j', (option, env) => {
    expect(() => resolveSampleRatio(option, env)).toThrowError(
      expect.objectContaining({ code: TELEMETRY_ERROR_CODES.invalidSampleRatio }) as Error,
    );
  });
});

describe('otlpTracesUrl', () => {
  it('exports only when an endpoint is configured', () => {
    expect(otlpTracesUrl({})).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318/' })).toBe('http://otel:4318/v1/traces');
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/traces' })).toBe(
      'http://tempo:4318/traces',
    );
  });
});

describe('startTelemetry', () => {
  let started: Telemetry | undefined;
  afterEach(async () => {
    await started?.shutdown();
    started = undefined;
  });

  it('registers a sampling provider that records spans and propagates context', () => {
    started = startTelemetry({ service: 'queue-service', env: {} });
    expect(started.exporting).toBe(false);
    const span = trace.getTracer('t').startSpan('probe');
    expect(span.isRecording()).toBe(true);
    span.end();
  });

  it('keeps no new root trace at ratio 0', () => {
    started = startTelemetry({ service: 'queue-service', sampleRatio: 0, env: {} });
    const span = trace.getTracer('t').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    span.end();
  });

  it('refuses a second start while the first is running', () => {
    started = startTelemetry({ service: 'queue-service', env: {} });
    expect(() => startTelemetry({ service: 'other', env: {} })).toThrow(TelemetryConfigError);
  });

  it('exports when an endpoint is set', () => {
    started = startTelemetry({ service: 'queue-service', env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' } });
    expect(started.exporting).toBe(true);
  });
});
