/**
 * The additive counters of one agent in one interval. Every figure of agent performance is a
 * ratio of these, so intervals roll up (15 min → hour → day → any range) by adding counters,
 * never by averaging ratios.
 */
export const AGENT_TALLY_FIELDS = [
  'offered', 'accepted', 'declined', 'missed',
  /** Contacts whose wrap-up ended with this agent (the queue KPIs' `handled`). */
  'handled',
  /** Talk (handle) time and after-contact work of the handled contacts. */
  'talkMs', 'wrapMs',
  /** Contacts the agent moved away while connected (not the engine's own returns). */
  'transfersOut',
  /** FCR: the agent's outcomes recorded, and those resolved on first contact. */
  'outcomes', 'resolvedFirstContact',
  /** CSAT: surveys sent for the agent's contacts, surveys answered, the sum of their scores (1–5), and those scored 4 or 5. */
  'surveysOffered', 'surveys', 'surveyScoreSum', 'surveysSatisfied',
  /** QA: reviews scored, and the sum of their scores (0–100). */
  'qaReviews', 'qaScoreSum',
  /** Time signed in (any presence but OFFLINE). */
  'signedInMs',
  /** Signed in and routable: AVAILABLE (or the engine's WRAP_UP) or holding a contact. */
  'routableMs',
  /** Holding at least one connected or wrapping-up contact. */
  'busyMs',
  /** AVAILABLE (or WRAP_UP) and holding nothing: waiting for work. */
  'idleMs',
  /** AWAY and holding nothing. */
  'awayMs',
] as const;

/** One of {@link AGENT_TALLY_FIELDS}. */
export type AgentTallyField = (typeof AGENT_TALLY_FIELDS)[number];

/** Counters of one agent and interval (ms and counts; sums, never means). */
export type AgentIntervalTally = Record<AgentTallyField, number>;

const FIELDS = new Set<string>(AGENT_TALLY_FIELDS);

/** Whether `name` is a tally field (stores read fields back by name). */
export function isAgentTallyField(name: string): name is AgentTallyField {
  return FIELDS.has(name);
}

export function emptyAgentIntervalTally(): AgentIntervalTally {
  return Object.fromEntries(AGENT_TALLY_FIELDS.map((f) => [f, 0])) as AgentIntervalTally;
}

/** Adds every counter of `from` into `into` (rolling intervals up). */
export function addAgentTally(into: AgentIntervalTally, from: Partial<AgentIntervalTally>): AgentIntervalTally {
  for (const field of AGENT_TALLY_FIELDS) into[field] += from[field] ?? 0;
  return into;
}

/** The published figures of one agent and interval. Ratios are NaN when their denominator is 0 ("no data", not 0 %). */
export interface AgentPerformanceFigures {
  readonly offered: number;
  readonly accepted: number;
  readonly declined: number;
  readonly missed: number;
  readonly contactsHandled: number;
  /** (talk + wrap-up) / handled, seconds. */
  readonly ahtSeconds: number;
  /** Wrap-up (after-contact work) / handled, seconds. */
  readonly acwSeconds: number;
  readonly talkSeconds: number;
  readonly wrapSeconds: number;
  readonly signedInSeconds: number;
  readonly routableSeconds: number;
  readonly busySeconds: number;
  readonly idleSeconds: number;
  readonly awaySeconds: number;
  /** busy / (busy + idle): the share of the time available for work spent handling it. */
  readonly occupancy: number;
  /** routable / signed in: the share of signed-in time the agent could be given work. */
  readonly adherence: number;
  readonly outcomes: number;
  readonly resolvedFirstContact: number;
  /** resolvedFirstContact / outcomes. */
  readonly firstContactResolution: number;
  readonly surveysAnswered: number;
  /** Mean survey score (1–5). */
  readonly csat: number;
  /** Share of surveys scored 4 or 5. */
  readonly csatSatisfied: number;
  readonly qaReviews: number;
  /** Mean QA score (0–100). */
  readonly qaScore: number;
  readonly transfersOut: number;
}

const ratio = (num: number, den: number): number => (den > 0 ? num / den : NaN);

/** Counters to figures. */
export function agentPerformanceFigures(t: AgentIntervalTally): AgentPerformanceFigures {
  return {
    offered: t.offered,
    accepted: t.accepted,
    declined: t.declined,
    missed: t.missed,
    contactsHandled: t.handled,
    ahtSeconds: ratio(t.talkMs + t.wrapMs, t.handled) / 1000,
    acwSeconds: ratio(t.wrapMs, t.handled) / 1000,
    talkSeconds: t.talkMs / 1000,
    wrapSeconds: t.wrapMs / 1000,
    signedInSeconds: t.signedInMs / 1000,
    routableSeconds: t.routableMs / 1000,
    busySeconds: t.busyMs / 1000,
    idleSeconds: t.idleMs / 1000,
    awaySeconds: t.awayMs / 1000,
    occupancy: ratio(t.busyMs, t.busyMs + t.idleMs),
    adherence: ratio(t.routableMs, t.signedInMs),
    outcomes: t.outcomes,
    resolvedFirstContact: t.resolvedFirstContact,
    firstContactResolution: ratio(t.resolvedFirstContact, t.outcomes),
    surveysAnswered: t.surveys,
    csat: ratio(t.surveyScoreSum, t.surveys),
    csatSatisfied: ratio(t.surveysSatisfied, t.surveys),
    qaReviews: t.qaReviews,
    qaScore: ratio(t.qaScoreSum, t.qaReviews),
    transfersOut: t.transfersOut,
  };
}
