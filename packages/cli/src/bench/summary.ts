/** One issue-8 target against what the run measured. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: number | null;
  readonly goal: string;
  readonly met: boolean | null;
}

type Figures = Record<string, Record<string, unknown> | undefined>;

const at = (figures: Figures, path: string): number | null => {
  let value: unknown = figures;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
};

const within15 = (x: number) => Math.abs(x - 1) <= 0.15;

const check = (target: string, measured: number | null, goal: string, ok: (x: number) => boolean): TargetCheck =>
  ({ target, measured, goal, met: measured === null ? null : ok(measured) });

/**
 * The targets read off one run's figures (`null` when the target did not run), so the
 * JSON says plainly which were met on this machine. p99 at half load is the 50% e2e step.
 */
export function checkTargets(figures: Figures): TargetCheck[] {
  const steps = (figures.e2e?.steps ?? []) as { loadShare: number; ingestToOfferMs: { p99: number } }[];
  const half = steps.find((s) => s.loadShare === 0.5)?.ingestToOfferMs.p99 ?? null;
  return [
    check('one router replica contacts/s', at(figures, 'router.oneReplica.contactsPerSecond'), '>= 5,000 (stretch 10,000)', (x) => x >= 5_000),
    check('end-to-end saturation contacts/s (one replica)', at(figures, 'e2e.saturationContactsPerSecond'), '>= 5,000', (x) => x >= 5_000),
    check('p99 ingest-to-offer at half load, ms', half, '<= 15', (x) => x <= 15),
    check('three replicas / one, same three domains, two cores', at(figures, 'router.threeOverOne'), '>= 0.9', (x) => x >= 0.9),
    check('ROUTING messages per contact (one replica)', at(figures, 'router.oneReplica.routingMessagesPerContact'), '<= 1 (aim 0.2)', (x) => x <= 1),
    check('Redis commands per contact (one replica)', at(figures, 'router.oneReplica.redisCommandsPerContact'), '<= 0.5 (aim 0.1)', (x) => x <= 0.5),
    check('router share of its NATS + Redis ceiling', at(figures, 'router.oneReplicaShareOfCeiling'), '>= 0.5', (x) => x >= 0.5),
    check('decision p99 with 1M waiting, freed agent → offer, ms', at(figures, 'scale.agentFreedToOfferMs.p99'), '<= 2', (x) => x <= 2),
    check('decision p99 with 1M waiting, arrival → queued, ms', at(figures, 'scale.arrivalToQueuedMs.p99'), '<= 2', (x) => x <= 2),
    check('engine decision p99 with 1M waiting (in process), ms', ((x) => (x === null ? null : x / 1000))(at(figures, 'core.decisionUs.p99')), '<= 2', (x) => x <= 2),
    check('tracing + logging cost share of throughput', at(figures, 'overhead.costShare'), '<= 0.10', (x) => x <= 0.1),
    check('soak: Redis used memory, 10^6 / 10^4 completed contacts (same live state)', at(figures, 'soak.largeOverSmall.redisUsedMemory'), 'within 15% (0.85..1.15)', within15),
    check('soak: router RSS, 10^6 / 10^4 completed contacts (owner opened from a checkpoint)', at(figures, 'soak.largeOverSmall.routerRss'), 'within 15% (0.85..1.15)', within15),
    check('soak: takeover (kill -9 → next offer), 10^6 / 10^4 completed contacts', at(figures, 'soak.largeOverSmall.takeover'), 'within 15% (0.85..1.15)', within15),
    check('soak: takeover with 100,000 waiting contacts, s', ((x) => (x === null ? null : x / 1000))(at(figures, 'soak.cases.manyLive.takeoverMs.median')), '<= 3', (x) => x <= 3),
    check('soak: checkpoint pause p99 with 100,000 waiting contacts, ms', at(figures, 'soak.cases.manyLive.checkpoints.pauseMs.p99'), '<= 100', (x) => x <= 100),
    check('soak: rebuild after Redis loss with 100,000 waiting contacts, s', ((x) => (x === null ? null : x / 1000))(at(figures, 'soak.cases.manyLive.redisLoss.upToOfferMs')), '<= 10', (x) => x <= 10),
  ];
}
