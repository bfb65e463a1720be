import type { ContactOutcome } from '../kpi/types.js';
import { batchMeans, batchSums } from './batch-means.js';
import { controlledMean, type ControlledEstimate } from './control-variates.js';
import type { SimStandardErrors } from './sim-report.js';

/** Control-variate estimates of the headline ratios (see {@link controlledMean}). */
export interface ControlledFigures {
  readonly serviceLevel: ControlledEstimate;
  readonly probWait: ControlledEstimate;
  readonly asaSeconds: ControlledEstimate;
  readonly abandonRate: ControlledEstimate;
}

const ANSWERED = 1;
const ABANDONED = 2;

/**
 * Measured contact outcomes stored by arrival number in typed columns, so that batch means run
 * over contacts in arrival order without sorting or per-contact objects (a run has millions).
 */
export class OutcomeColumns {
  private readonly present: Uint8Array;
  private readonly queue: Uint16Array;
  private readonly kind: Uint8Array;
  private readonly inTime: Uint8Array;
  private readonly waited: Uint8Array;
  private readonly waitSeconds: Float64Array;
  /** Zero-mean input draws per contact: handle / mean − 1, gap × rate − 1, patience / mean − 1. */
  private readonly inputs: [Float64Array, Float64Array, Float64Array];

  constructor(capacity: number) {
    this.inputs = [new Float64Array(capacity), new Float64Array(capacity), new Float64Array(capacity)];
    this.present = new Uint8Array(capacity);
    this.queue = new Uint16Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.inTime = new Uint8Array(capacity);
    this.waited = new Uint8Array(capacity);
    this.waitSeconds = new Float64Array(capacity);
  }

  /** Records the outcome of arrival number `index` (0-based). Rejected contacts are not measured. */
  record(index: number, queueIndex: number, o: ContactOutcome): void {
    if (o.kind === 'rejected' || index < 0 || index >= this.present.length) return;
    this.present[index] = 1;
    this.queue[index] = queueIndex;
    this.kind[index] = o.kind === 'answered' ? ANSWERED : o.kind === 'abandoned' ? ABANDONED : 0;
    this.inTime[index] = o.inTime ? 1 : 0;
    this.waited[index] = o.waited ? 1 : 0;
    this.waitSeconds[index] = o.waitMs / 1000;
  }

  /** Records arrival `index`'s random inputs as deviations from their known means (controls). */
  recordInputs(index: number, handle: number, gap: number, patience: number): void {
    if (index < 0 || index >= this.present.length) return;
    this.inputs[0][index] = handle;
    this.inputs[1][index] = gap;
    this.inputs[2][index] = patience;
  }

  /** Control-variate estimates over all measured contacts, controls = the three input deviations. */
  controlled(batches: number): ControlledFigures {
    const c = this.columns();
    const controls = this.inputs.map((column) => {
      const picked = Float64Array.from(c.rows, (i) => column[i] ?? 0);
      return batchSums(picked, undefined, batches).ratios;
    });
    const estimate = (num: Float64Array, den?: Float64Array): ControlledEstimate =>
      controlledMean(batchSums(num, den, batches).ratios, controls);
    return {
      serviceLevel: estimate(c.inTime),
      probWait: estimate(c.waited),
      asaSeconds: estimate(c.answeredWait, c.answered),
      abandonRate: estimate(c.abandoned),
    };
  }

  /** Batch-means standard errors over all measured contacts, or those of one queue. */
  standardErrors(batches: number, queueIndex?: number): SimStandardErrors {
    const c = this.columns(queueIndex);
    return {
      serviceLevel: batchMeans(c.inTime, undefined, batches).standardError,
      probWait: batchMeans(c.waited, undefined, batches).standardError,
      asaSeconds: batchMeans(c.answeredWait, c.answered, batches).standardError,
      abandonRate: batchMeans(c.abandoned, undefined, batches).standardError,
    };
  }

  /** The measured rows (of one queue) in arrival order, as indicator columns. */
  private columns(queueIndex?: number) {
    const rows: number[] = [];
    for (let i = 0; i < this.present.length; i++) if (this.selected(i, queueIndex)) rows.push(i);
    const pick = (f: (i: number) => number): Float64Array => Float64Array.from(rows, f);
    return {
      rows,
      inTime: pick((i) => this.inTime[i] ?? 0),
      waited: pick((i) => this.waited[i] ?? 0),
      abandoned: pick((i) => (this.kind[i] === ABANDONED ? 1 : 0)),
      answered: pick((i) => (this.kind[i] === ANSWERED ? 1 : 0)),
      answeredWait: pick((i) => (this.kind[i] === ANSWERED ? this.waitSeconds[i] ?? 0 : 0)),
    };
  }

  private selected(i: number, queueIndex: number | undefined): boolean {
    return this.present[i] === 1 && (queueIndex === undefined || this.queue[i] === queueIndex);
  }
}
