import { coreBench } from './core-bench.js';
import { e2eBench } from './e2e-bench.js';
import { ceilingBench, overheadBench, routerBench } from './router-bench.js';
import { scaleBench } from './scale-bench.js';
import { soakBench } from './soak-bench.js';
import type { BenchSession } from './session.js';

/** Options every bench target receives. */
export interface BenchOptions {
  /** A much smaller size: a smoke test that the target runs, not a measurement. */
  readonly quick: boolean;
  /** Progress lines for a human (stderr); silent when `--json`. */
  readonly log: (line: string) => void;
  /** The run's private NATS/Redis and the ceiling measured on them. */
  readonly session: BenchSession;
}

/** One `pnpm bench <name>` target. Its figures go into the run's JSON under its name. */
export interface BenchTarget {
  readonly description: string;
  /** Runs when `pnpm bench` is given no target names. */
  readonly runByDefault: boolean;
  run(options: BenchOptions): Promise<Record<string, unknown>>;
}

/**
 * The dispatch table, in the order a full run goes: the ceiling first (every later figure is
 * compared with it), the heavy scale and soak runs last. To add a target write a module exporting a
 * {@link BenchTarget} and add one line here.
 */
export const benchTargets: Readonly<Record<string, BenchTarget>> = {
  ceiling: ceilingBench,
  core: coreBench,
  router: routerBench,
  overhead: overheadBench,
  e2e: e2eBench,
  scale: scaleBench,
  soak: soakBench,
};
