import type { KpiReport, QueueKpis } from '../kpi/types.js';
import type { ControlledFigures, OutcomeColumns } from './outcome-columns.js';
import type { SimSurgeReport } from './sim-surge.js';

/** Standard errors (batch means) of the headline ratios; NaN when too few batches had data. */
export interface SimStandardErrors {
  readonly serviceLevel: number;
  readonly probWait: number;
  readonly asaSeconds: number;
  readonly abandonRate: number;
}

/** Headline figures of one queue, or of all queues together. */
export interface SimFigures {
  /** Measured contacts (arrived after the warm-up; rejected ones excluded). */
  readonly contacts: number;
  /** Answered within the threshold / contacts; abandoned contacts count as not in time. */
  readonly serviceLevel: number;
  readonly slSeconds: number;
  readonly probWait: number;
  readonly asaSeconds: number;
  readonly abandonRate: number;
  readonly ahtSeconds: number;
  readonly standardErrors: SimStandardErrors;
}

/** Per-queue breakdown. */
export interface SimQueueResult extends SimFigures {
  readonly queueId: string;
}

/** What {@link simulate} returns. */
export interface SimResult extends SimFigures {
  /** Busy / signed-in agent time between the end of the warm-up and the last arrival. */
  readonly occupancy: number;
  readonly queues: readonly SimQueueResult[];
  /**
   * The same ratios (all queues) with control variates on the random inputs: usually a several
   * times smaller standard error for the same run. The plain figures above remain the primary ones.
   */
  readonly controlled: ControlledFigures;
  readonly arrivals: number;
  readonly rejected: number;
  readonly expired: number;
  readonly offered: number;
  readonly accepted: number;
  readonly declined: number;
  readonly missed: number;
  readonly warmupSeconds: number;
  /** From the end of the warm-up to the last arrival. */
  readonly measuredSeconds: number;
  /** Until the last contact finished. */
  readonly simulatedSeconds: number;
  readonly batches: number;
  readonly seed: number;
  /** Commands the engine applied (a throughput figure). */
  readonly engineCommands: number;
  /** With a scenario's `surge`: when surge mode began against the measured breach, callbacks, VIP service level. */
  readonly surge?: SimSurgeReport;
}

function figures(kpis: QueueKpis, columns: OutcomeColumns, batches: number, queueIndex?: number): SimFigures {
  return {
    contacts: kpis.contacts,
    serviceLevel: kpis.serviceLevel,
    slSeconds: kpis.slSeconds,
    probWait: kpis.probWait,
    asaSeconds: kpis.asaSeconds,
    abandonRate: kpis.abandonRate,
    ahtSeconds: kpis.ahtSeconds,
    standardErrors: columns.standardErrors(batches, queueIndex),
  };
}

/** Assembles the run's result from the final KPI report and the measured outcome columns. */
export function simResult(report: KpiReport, occupancy: number, columns: OutcomeColumns, queueIds: readonly string[],
  run: Pick<SimResult, 'arrivals' | 'warmupSeconds' | 'measuredSeconds' | 'simulatedSeconds' | 'batches' | 'seed' | 'engineCommands'>): SimResult {
  const t = report.total;
  return {
    ...figures(t, columns, run.batches),
    occupancy,
    queues: report.queues.map((q) => ({ queueId: q.queueId, ...figures(q, columns, run.batches, queueIds.indexOf(q.queueId)) })),
    controlled: columns.controlled(run.batches),
    rejected: t.rejected,
    expired: t.expired,
    offered: t.offered,
    accepted: t.accepted,
    declined: t.declined,
    missed: t.missed,
    ...run,
  };
}
