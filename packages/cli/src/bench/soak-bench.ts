import { measureSoakCase, SOAK_LOADED_HOW, type SoakCaseResult, type SoakSettings, type SoakSize } from '@switchboard/bench';
import type { BenchOptions, BenchTarget } from './targets.js';

interface SoakPlan {
  readonly small: SoakSize;
  readonly large: SoakSize;
  readonly manyLive: SoakSize;
  readonly settings: SoakSettings;
}

const SETTINGS: SoakSettings = {
  leaseTtlMs: 1_000, checkpointEveryCommands: 20_000, checkpointIntervalMs: 5_000, takeovers: 5, churnAgents: 20, tailChurnMs: 1_000,
  settleDeadlineMs: 120_000, stepTimeoutMs: 120_000,
};
const FULL: SoakPlan = {
  small: { agents: 500, waiting: 2_000, history: 10_000 },
  large: { agents: 500, waiting: 2_000, history: 1_000_000 },
  manyLive: { agents: 500, waiting: 100_000, history: 10_000 },
  settings: SETTINGS,
};
const QUICK: SoakPlan = {
  small: { agents: 10, waiting: 40, history: 100 },
  large: { agents: 10, waiting: 40, history: 1_000 },
  manyLive: { agents: 10, waiting: 400, history: 100 },
  settings: { ...SETTINGS, checkpointIntervalMs: 1_000, takeovers: 1, churnAgents: 4, tailChurnMs: 200, settleDeadlineMs: 20_000, stepTimeoutMs: 20_000 },
};

/**
 * `bench soak`: one domain with a fixed live state (every agent busy, contacts waiting behind
 * them) after a small and a large history of completed contacts, and a third case with many
 * waiting contacts; Redis and router memory once settled, kill -9 takeover and rebuild after
 * Redis loss, checkpoint pauses. See `measureSoakCase`.
 */
export const soakBench: BenchTarget = {
  description: 'soak: a fixed live state after 10^4 and 10^6 completed contacts, and 100,000 waiting; memory, takeover, rebuild after Redis loss, checkpoint pauses',
  runByDefault: true,
  run: async (options: BenchOptions) => {
    const plan = options.quick ? QUICK : FULL;
    const servers = await options.session.servers();
    const cases: Record<string, SoakCaseResult | { error: string }> = {};
    for (const name of ['small', 'large', 'manyLive'] as const) {
      options.log(`soak: ${name}: ${plan[name].agents} agents busy, ${plan[name].waiting} waiting, ${plan[name].history} completed before`);
      try {
        cases[name] = await measureSoakCase(servers, plan[name], plan.settings, options.log);
      } catch (error) {
        cases[name] = { error: (error as Error).message };
      }
    }
    const small = 'size' in cases.small! ? cases.small : undefined;
    const large = 'size' in cases.large! ? cases.large : undefined;
    const ratio = (pick: (c: SoakCaseResult) => number | undefined) => {
      const a = large && pick(large);
      const b = small && pick(small);
      return a === undefined || b === undefined || !Number.isFinite(a / b) ? null : Number((a / b).toFixed(3));
    };
    return {
      loadedHow: SOAK_LOADED_HOW,
      settings: plan.settings,
      cases,
      /**
       * The large history over the small one, same live state: 1 means flat. Judged: Redis and
       * RSS once settled after the takeovers (the owner then opened the domain from a checkpoint,
       * as any owner in service does), and the median kill -9 → next offer.
       */
      largeOverSmall: {
        redisUsedMemory: ratio((c) => c.afterTakeovers?.redis.usedMemoryMb),
        redisUsedMemoryFirstSettle: ratio((c) => c.settled?.redis.usedMemoryMb),
        routerRss: ratio((c) => c.afterTakeovers?.routerRssMb),
        routerHeapUsed: ratio((c) => c.afterTakeovers?.routerHeapUsedMb),
        firstOwnerRss: ratio((c) => c.settled?.firstOwnerRssMb),
        checkpointBytes: ratio((c) => c.afterTakeovers?.redis.checkpointBytes),
        takeover: ratio((c) => c.takeoverMs?.median),
        takeoverRebuild: ratio((c) => median(c.takeovers.map((t) => t.rebuild.ms))),
        rebuildAfterRedisLoss: ratio((c) => c.redisLoss?.upToOfferMs),
      },
      bothSettled: Boolean(small?.settled?.settled && small.afterTakeovers?.settled && large?.settled?.settled && large.afterTakeovers?.settled),
    };
  },
};

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
}
