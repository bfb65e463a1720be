import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
// From sdk-trace-node, not sdk-trace-base: the provider pins its own sdk-trace-base, and mixing
// two copies of the SDK classes is how spans silently go missing.
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { setRootSampleRatio } from '../spans/recording.js';
import { registerGlobally, unregisterGlobally } from './register.js';
import { resolveSampleRatio } from './sample-ratio.js';

/** Options for {@link startTelemetry}. */
export interface TelemetryOptions {
  /** `service.name` of every span, e.g. `"queue-service"`. */
  service: string;
  /** Share of new traces to keep, 0..1 (default 1); `OTEL_TRACES_SAMPLER_ARG` overrides it. */
  sampleRatio?: number;
  /** Environment to read; defaults to `process.env`. Tests pass their own. */
  env?: NodeJS.ProcessEnv;
}

/** A started SDK. */
export interface Telemetry {
  /** Whether spans leave the process (an OTLP endpoint is configured). */
  readonly exporting: boolean;
  /** Flushes buffered spans and unregisters the SDK; call it on SIGTERM before exiting. */
  shutdown(): Promise<void>;
}

/**
 * Starts tracing for a service; call it first thing in the service's `instrumentation.ts`.
 * Registers a `NodeTracerProvider` with an AsyncLocalStorage context manager and the W3C
 * trace-context + baggage propagator, sampling `ParentBased(TraceIdRatio)`: a trace started
 * upstream keeps its upstream decision, so a contact's trace is never cut in half.
 *
 * Spans are exported over OTLP/HTTP only when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set; headers and timeout come from the standard
 * `OTEL_EXPORTER_OTLP_*` variables. Without an endpoint, contexts are still created and propagated,
 * so log lines keep their `trace_id`. At a ratio of 0 the span helpers start no span for a new
 * trace at all (nothing would record it): only traces sampled upstream are followed.
 *
 * @throws {TelemetryConfigError} when the sampling ratio is invalid or tracing already started.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  const env = options.env ?? process.env;
  const ratio = resolveSampleRatio(options.sampleRatio, env);
  const url = otlpTracesUrl(env);
  const spanProcessors: SpanProcessor[] =
    url === undefined ? [] : [new BatchSpanProcessor(new OTLPTraceExporter({ url }))];

  const provider = new NodeTracerProvider({
    resource: defaultResource()
      .merge(detectResources({ detectors: [envDetector] }))
      .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.service })),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
    spanProcessors,
  });
  registerGlobally(provider);
  setRootSampleRatio(ratio);

  return {
    exporting: url !== undefined,
    async shutdown() {
      await provider.shutdown();
      unregisterGlobally();
    },
  };
}

/**
 * The traces URL per the OTLP exporter spec: the signal-specific variable as is, else the base
 * endpoint plus `/v1/traces`. Resolved here, not left to the exporter, because the exporter reads
 * `process.env` and we must honour `options.env`.
 */
export function otlpTracesUrl(env: NodeJS.ProcessEnv): string | undefined {
  const tracesEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (tracesEndpoint) return tracesEndpoint;
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!endpoint) return undefined;
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}
