import { context, propagation, ProxyTracerProvider, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { TELEMETRY_ERROR_CODES, TelemetryConfigError } from '../errors.js';
import { setRootSampleRatio } from '../spans/recording.js';
import { w3cPropagator } from './propagator.js';

/**
 * Makes `provider` the global one, with an AsyncLocalStorage context manager and the W3C
 * propagator.
 *
 * The API refuses a second registration with only a diagnostic message, after which every span
 * would silently go to the first provider; that is turned into an error here. Nothing is
 * unregistered beforehand on purpose: `trace.disable()` would orphan the proxy tracers that
 * libraries obtained at import time (`const tracer = getTracer(...)`), and they would record nothing.
 *
 * @throws {TelemetryConfigError} `TELEMETRY.ALREADY_STARTED` when another provider is registered.
 */
export function registerGlobally(provider: NodeTracerProvider): void {
  provider.register({ contextManager: new AsyncLocalStorageContextManager(), propagator: w3cPropagator() });
  const global = trace.getTracerProvider();
  const active = global instanceof ProxyTracerProvider ? global.getDelegate() : global;
  if (active !== provider) {
    throw new TelemetryConfigError(
      TELEMETRY_ERROR_CODES.alreadyStarted,
      'a tracer provider is already registered; shut it down before starting another',
    );
  }
}

/**
 * Returns the API to its no-op state so a later start can register again. Tracers obtained
 * before this call stay no-ops: get them again after the next start.
 */
export function unregisterGlobally(): void {
  setRootSampleRatio(0);
  trace.disable();
  context.disable();
  propagation.disable();
}
