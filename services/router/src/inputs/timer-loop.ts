import type { TimerRequest } from '@switchboard/routing-core';
import { isRoutingError } from '@switchboard/routing-core';
import { WorkerStoppedError, type DomainWorker, type WorkerDeps } from '../worker/domain-worker.js';

/** A running timer loop. */
export interface TimerLoop {
  stop(): Promise<void>;
}

/**
 * Fires the domain's due timers (Redis sorted set by due time) through the worker. Timers live in
 * Redis, not in this process, so whichever replica holds the lease fires them after a crash.
 */
export function startTimerLoop(worker: DomainWorker, deps: WorkerDeps, pollMs = 50): TimerLoop {
  const inFlight = new Set<string>();
  let running = true;
  let pass: Promise<void> = Promise.resolve();
  const tick = async () => {
    if (worker.relayBehind) await worker.relay();
    const due = await deps.store.dueTimers(deps.clock(), 512);
    for (const member of due) {
      if (inFlight.has(member)) continue;
      inFlight.add(member);
      const timer = JSON.parse(member) as TimerRequest;
      worker.submit(`timer:${timer.id}`, { type: 'TIMER_FIRED', timer }, member)
        .catch((error: unknown) => {
          if (error instanceof WorkerStoppedError) return;
          if (isRoutingError(error)) {
            deps.logger.warn({ err: error, timerId: timer.id }, 'timer refused by the engine; dropped');
            return deps.store.dropTimer(worker.lease, member);
          }
          deps.logger.error({ err: error, timerId: timer.id }, 'timer failed; will retry');
        })
        .finally(() => inFlight.delete(member));
    }
  };
  const interval = setInterval(() => {
    if (!running || worker.stopped) return;
    pass = pass.then(tick).catch((error: unknown) => deps.logger.warn({ err: error }, 'timer poll failed'));
  }, pollMs);
  return {
    stop: async () => {
      running = false;
      clearInterval(interval);
      await pass;
    },
  };
}
