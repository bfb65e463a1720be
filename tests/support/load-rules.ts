/** Rules for load and fault tests: one chat queue, quick RONA, no wrap-up, agents never sent away for misses. */
export const loadRules = {
  version: 'load-1',
  queues: [{ id: 'general', kind: 'PRIORITY', serviceLevel: { share: 0.8, withinSeconds: 20 }, strategy: 'LONGEST_IDLE',
    offerTimeoutSeconds: 3, wrapUpSeconds: 0, missesBeforeAway: 1_000, agingRatePerSecond: 0 }],
  rules: [],
  fallback: { queue: 'general', priority: 0 },
};
