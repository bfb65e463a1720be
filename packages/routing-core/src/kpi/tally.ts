import { SURVEY_SATISFIED_MIN } from '../model/survey.js';
import type { AgentIntervalTally } from './agent-tally.js';
import type { AgentKpis, QueueKpis, SurveyKpis } from './types.js';

/** Mutable per-queue counters behind {@link QueueKpis}. */
export interface QueueTally {
  contacts: number;
  answered: number;
  answeredInTime: number;
  abandoned: number;
  expired: number;
  rejected: number;
  waited: number;
  answeredWaitMs: number;
  handled: number;
  handleMs: number;
  /** Agents' outcomes recorded (with an FCR answer), and how many said resolved on first contact. */
  outcomes: number;
  resolvedFirstContact: number;
  offered: number;
  accepted: number;
  declined: number;
  missed: number;
  /** Customers who asked to be called back; callbacks that reached the customer; dials that failed. */
  callbacksRequested: number;
  callbacksConnected: number;
  callbackDialsFailed: number;
  /** Satisfaction surveys sent out, answered, the answers' score sum and how many scored 4–5. */
  surveysOffered: number;
  surveysAnswered: number;
  surveyScoreSum: number;
  surveysSatisfied: number;
}

export function emptyQueueTally(): QueueTally {
  return { contacts: 0, answered: 0, answeredInTime: 0, abandoned: 0, expired: 0, rejected: 0, waited: 0,
    answeredWaitMs: 0, handled: 0, handleMs: 0, outcomes: 0, resolvedFirstContact: 0, offered: 0, accepted: 0, declined: 0, missed: 0,
    callbacksRequested: 0, callbacksConnected: 0, callbackDialsFailed: 0, ...emptySurveyTally() };
}

/** The survey counters both tallies carry. */
export type SurveyTally = Pick<QueueTally, 'surveysOffered' | 'surveysAnswered' | 'surveyScoreSum' | 'surveysSatisfied'>;

function emptySurveyTally(): SurveyTally {
  return { surveysOffered: 0, surveysAnswered: 0, surveyScoreSum: 0, surveysSatisfied: 0 };
}

/** The survey figures of `offered` surveys and the scores of those answered (a live window's, e.g.). */
export function surveyFigures(offered: number, scores: readonly number[]): SurveyKpis {
  let sum = 0;
  let satisfied = 0;
  for (const score of scores) { sum += score; if (score >= SURVEY_SATISFIED_MIN) satisfied++; }
  return surveyKpis({ surveysOffered: offered, surveysAnswered: scores.length, surveyScoreSum: sum, surveysSatisfied: satisfied });
}

/** Survey counters to figures: response rate, mean score (CSAT) and the share satisfied (4–5). */
export function surveyKpis(t: SurveyTally): SurveyKpis {
  return {
    surveysOffered: t.surveysOffered,
    surveysAnswered: t.surveysAnswered,
    surveyResponseRate: ratio(t.surveysAnswered, t.surveysOffered),
    csatScore: ratio(t.surveyScoreSum, t.surveysAnswered),
    csatSatisfied: ratio(t.surveysSatisfied, t.surveysAnswered),
  };
}

/** Adds every counter of `from` into `into` (for the all-queues total). */
export function addQueueTally(into: QueueTally, from: QueueTally): void {
  for (const key of Object.keys(into) as (keyof QueueTally)[]) into[key] += from[key];
}

const ratio = (num: number, den: number): number => (den > 0 ? num / den : NaN);

/** Counters to the published figures. */
export function queueKpis(queueId: string, slSeconds: number, t: QueueTally): QueueKpis {
  return {
    queueId,
    slSeconds,
    contacts: t.contacts,
    answered: t.answered,
    answeredInTime: t.answeredInTime,
    abandoned: t.abandoned,
    expired: t.expired,
    rejected: t.rejected,
    waited: t.waited,
    serviceLevel: ratio(t.answeredInTime, t.contacts),
    probWait: ratio(t.waited, t.contacts),
    asaSeconds: ratio(t.answeredWaitMs, t.answered) / 1000,
    abandonRate: ratio(t.abandoned, t.contacts),
    ahtSeconds: ratio(t.handleMs, t.handled) / 1000,
    handled: t.handled,
    // The agents' answers alone; KpiAccumulator replaces it with the repeat-contact definition.
    firstContactResolution: ratio(t.resolvedFirstContact, t.outcomes),
    fcrConfirmed: 0, fcrVoided: 0, fcrUnresolved: 0, fcrProvisional: 0,
    outcomes: t.outcomes,
    offered: t.offered,
    accepted: t.accepted,
    declined: t.declined,
    missed: t.missed,
    callbacksRequested: t.callbacksRequested,
    callbacksConnected: t.callbacksConnected,
    callbackDialsFailed: t.callbackDialsFailed,
    ...surveyKpis(t),
  };
}

/** An agent's counters (the agent-performance fold's, open stretches included) to the KPI report's figures. */
export function agentKpis(agentId: string, t: AgentIntervalTally): AgentKpis {
  return {
    agentId,
    signedInSeconds: t.signedInMs / 1000,
    busySeconds: t.busyMs / 1000,
    occupancy: ratio(t.busyMs, t.signedInMs),
    offered: t.offered,
    accepted: t.accepted,
    declined: t.declined,
    missed: t.missed,
    ...surveyKpis({ surveysOffered: t.surveysOffered, surveysAnswered: t.surveys, surveyScoreSum: t.surveyScoreSum, surveysSatisfied: t.surveysSatisfied }),
  };
}
