import { collectDefaultMetrics, Registry } from 'prom-client';

/** Options of {@link createMetricsRegistry}. */
export interface MetricsRegistryOptions {
  /** Written as the `service` label on every series, e.g. `router`, `ingest-phone`. */
  readonly service: string;
  /** Process metrics (CPU, memory, event-loop lag, GC); default true. Tests turn them off. */
  readonly processMetrics?: boolean;
}

/**
 * A registry for one process. Each service makes its own rather than using prom-client's global
 * one, so tests can run several services in one process without names colliding.
 */
export function createMetricsRegistry(options: MetricsRegistryOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'sb_' });
  return registry;
}

/**
 * Memoises one value per registry: the metric sets below are defined once per registry even when
 * several components ask for them (prom-client throws on a second registration of a name).
 */
export function perRegistry<T>(create: (registry: Registry) => T): (registry: Registry) => T {
  const made = new WeakMap<Registry, T>();
  return (registry) => {
    let value = made.get(registry);
    if (value === undefined) {
      value = create(registry);
      made.set(registry, value);
    }
    return value;
  };
}
