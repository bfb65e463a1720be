import type { Logger } from '@switchboard/telemetry';

/**
 * On SIGINT or SIGTERM runs the shutdown `steps` in order (stop serving, close side ports, drain
 * NATS, close Redis, flush spans), then exits 0; a failing step or a second signal exits 1.
 */
export function stopOnSignals(logger: Logger, steps: ReadonlyArray<() => Promise<unknown>>): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      logger.info({ signal }, 'shutting down');
      void steps.reduce<Promise<unknown>>((done, step) => done.then(step), Promise.resolve())
        .then(() => process.exit(0), (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        });
    });
  }
}
