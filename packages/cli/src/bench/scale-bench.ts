import { measureScale } from '@switchboard/bench';
import type { BenchOptions, BenchTarget } from './targets.js';

const FULL = { agents: 50_000, queues: 5_000, waiting: 1_000_000, measured: 2_000 };
const QUICK = { agents: 200, queues: 20, waiting: 2_000, measured: 20 };

/**
 * `bench scale`: one domain with 50,000 agents (all busy), 5,000 queues and 1,000,000 waiting
 * contacts, loaded through the command log (see `loadScaleDomain`), owned by a live router
 * process: end-to-end decision latency for freed agents and new arrivals, Redis memory, router RSS.
 */
export const scaleBench: BenchTarget = {
  description: 'scale: 50,000 agents, 5,000 queues, 1,000,000 waiting contacts in one live router; decision latency, Redis memory, RSS',
  runByDefault: true,
  run: async (options: BenchOptions) => ({ ...(await measureScale(await options.session.servers(), options.quick ? QUICK : FULL, options.log)) }),
};
