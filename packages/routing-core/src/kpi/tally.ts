import type { AgentIntervalTally } from './agent-tally.js';
import type { AgentKpis, QueueKpis } from './types.js';

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
}

export function emptyQueueTally(): QueueTally {
  return { contacts: 0, answered: 0, answeredInTime: 0, abandoned: 0, expired: 0, rejected: 0, waited: 0,
    answeredWaitMs: 0, handled: 0, handleMs: 0, outcomes: 0, resolvedFirstContact: 0, offered: 0, accepted: 0, declined: 0, missed: 0,
    callbacksRequested: 0, callbacksConnected: 0, callbackDialsFailed: 0 };
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
    firstContactResolution: ratio(t.resolvedFirstContact, t.outcomes),
    outcomes: t.outcomes,
    offered: t.offered,
    accepted: t.accepted,
    declined: t.declined,
    missed: t.missed,
    callbacksRequested: t.callbacksRequested,
    callbacksConnected: t.callbacksConnected,
    callbackDialsFailed: t.callbackDialsFailed,
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
  };
}
