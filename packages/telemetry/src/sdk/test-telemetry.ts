import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { setRootSampleRatio } from '../spans/recording.js';
import { registerGlobally, unregisterGlobally } from './register.js';

/** An SDK for tests that keeps every finished span in memory. */
export interface TestTelemetry {
  /** Holds finished spans; `getFinishedSpans()` lists them in the order they ended. */
  readonly exporter: InMemorySpanExporter;
  /** Shorthand for `exporter.getFinishedSpans()`. */
  spans(): ReadableSpan[];
  /** Forgets the spans recorded so far. */
  reset(): void;
  /** Unregisters the SDK; call it in `afterAll`. */
  shutdown(): Promise<void>;
}

/**
 * Registers a tracer provider that samples everything and exports each span synchronously (a
 * `SimpleSpanProcessor`) to an `InMemorySpanExporter`, with the same context manager and
 * propagator as `startTelemetry`, so tests observe exactly what services would export.
 *
 * Start it once per test file (`beforeAll`), `reset()` between tests and `shutdown()` in
 * `afterAll`: tracers obtained at import time keep working only for the first start in a process.
 *
 * @throws {TelemetryConfigError} `TELEMETRY.ALREADY_STARTED` when a provider is still registered.
 */
export function startTestTelemetry(): TestTelemetry {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  registerGlobally(provider);
  setRootSampleRatio(1);
  return {
    exporter,
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    async shutdown() {
      await provider.shutdown();
      unregisterGlobally();
    },
  };
}
