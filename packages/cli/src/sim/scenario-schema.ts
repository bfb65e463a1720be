import { z } from 'zod';

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();

const duration = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('exponential'), meanSeconds: positive }).strict(),
  z.object({ kind: z.literal('lognormal'), meanSeconds: positive, cv: positive }).strict(),
  z.object({ kind: z.literal('constant'), seconds: nonNegative }).strict(),
]);

const skillRequirement = z.object({
  skill: z.string().min(1),
  minProficiency: z.number().int().min(1).max(5),
  optional: z.boolean().optional(),
}).strict();

const ring = z.object({
  afterSeconds: nonNegative,
  proficiencyDrop: z.number().int().min(0).max(4).optional(),
  minProficiency: z.number().int().min(1).max(5).optional(),
  dropOptionalSkills: z.boolean().optional(),
  addTeams: z.array(z.string()).optional(),
}).strict();

const channel = z.enum(['phone', 'email', 'chat', 'wechat']);

/** One queue: its workload plus any of the engine's queue settings (defaults otherwise). */
const queue = z.object({
  id: z.string().min(1),
  /** Take the engine settings of the rules file's queue of this id (`rulesFile`); fields given here override them. */
  fromRules: z.boolean().optional(),
  arrivalsPerHour: nonNegative,
  handle: duration,
  patience: duration.optional(),
  channel: channel.optional(),
  contactSkills: z.array(skillRequirement).optional(),
  kind: z.enum(['VIP', 'PRIORITY']).optional(),
  serviceLevel: z.object({ share: z.number().min(0).max(1), withinSeconds: nonNegative }).strict().optional(),
  requiredSkills: z.array(skillRequirement).optional(),
  teams: z.array(z.string()).optional(),
  rings: z.array(ring).optional(),
  strategy: z.enum(['LONGEST_IDLE', 'BEST_PROFICIENCY', 'LEAST_OCCUPIED', 'ROUND_ROBIN']).optional(),
  agingRatePerSecond: nonNegative.optional(),
  overflow: z.object({ targetQueueId: z.string().min(1), afterSeconds: nonNegative }).strict().optional(),
  maxWaitSeconds: positive.optional(),
  maxSize: z.number().int().positive().optional(),
  offerTimeoutSeconds: positive.optional(),
  wrapUpSeconds: nonNegative.optional(),
  missesBeforeAway: z.number().int().positive().optional(),
  stickyAgentWaitSeconds: nonNegative.optional(),
  vipPool: z.object({ teams: z.array(z.string()), agentIds: z.array(z.string()), overflowToGeneralAfterSeconds: nonNegative }).strict().optional(),
  tier: z.enum(['STANDARD', 'VIP1', 'VIP2', 'VIP3']).optional(),
  basePriority: z.number().int().optional(),
  surge: z.object({
    auto: z.boolean(),
    callbackOfferAfterSeconds: nonNegative,
    deferEmailBelowPriority: z.number().int(),
    horizonSeconds: positive,
  }).strict().optional(),
}).strict();

const surge = z.object({
  intervalSeconds: positive.optional(),
  rateWindowSeconds: positive.optional(),
  handleWindowSeconds: positive.optional(),
  cautiousRate: z.boolean().optional(),
  trace: z.boolean().optional(),
  measureWindowSeconds: positive.optional(),
  minMeasured: z.number().int().positive().optional(),
  exitMargin: z.number().min(0).max(1).optional(),
  exitIntervals: z.number().int().positive().optional(),
  enterIntervals: z.number().int().positive().optional(),
  supervisor: z.array(z.object({
    atSeconds: nonNegative,
    queueId: z.string().min(1),
    active: z.boolean().optional(),
    release: z.boolean().optional(),
    by: z.string().min(1),
    reason: z.string().optional(),
  }).strict()).optional(),
}).strict();

const agentGroup = z.object({
  idPrefix: z.string().min(1),
  count: z.number().int().nonnegative(),
  skills: z.record(z.string(), z.number().int().min(1).max(5)),
  team: z.string().optional(),
  languages: z.array(z.string()).optional(),
  capacity: z.object({ phone: z.number().int().nonnegative(), email: z.number().int().nonnegative(),
    chat: z.number().int().nonnegative(), wechat: z.number().int().nonnegative() }).partial().strict().optional(),
  queues: z.array(z.object({ queueId: z.string().min(1), priority: z.number().int() }).strict()).min(1),
  shift: z.object({ startSeconds: nonNegative, endSeconds: positive.optional() }).strict().optional(),
}).strict();

/**
 * The `--scenario` file: several queues, skills and agent groups. Unknown fields are refused
 * (a typo would otherwise silently fall back to a default), and references between queues and
 * agent groups are checked so that errors name the field, not an engine stack trace.
 */
export const scenarioFileSchema = z.object({
  /** A routing-rules file (the router's `routing-rules.json`), relative to the scenario file. */
  rulesFile: z.string().min(1).optional(),
  contacts: z.number().int().positive().optional(),
  seed: z.number().int().optional(),
  warmupSeconds: nonNegative.optional(),
  batches: z.number().int().min(2).optional(),
  behaviour: z.object({
    acceptDelaySeconds: nonNegative.optional(),
    declineProbability: z.number().min(0).lt(1).optional(),
    callbackAcceptProbability: z.number().min(0).max(1).optional(),
    callbackDecisionSeconds: nonNegative.optional(),
  }).strict().optional(),
  arrivalPhases: z.array(z.object({ fromSeconds: nonNegative, multiplier: nonNegative }).strict()).optional(),
  surge: surge.optional(),
  queues: z.array(queue).min(1),
  agentGroups: z.array(agentGroup).min(1),
}).strict().superRefine((file, ctx) => {
  const ids = new Set<string>();
  file.queues.forEach((q, i) => {
    if (ids.has(q.id)) ctx.addIssue({ code: 'custom', path: ['queues', i, 'id'], message: `duplicate queue id "${q.id}"` });
    ids.add(q.id);
  });
  file.queues.forEach((q, i) => {
    if (q.fromRules === true && file.rulesFile === undefined) ctx.addIssue({ code: 'custom', path: ['queues', i, 'fromRules'], message: 'needs "rulesFile"' });
    if (q.overflow !== undefined && !ids.has(q.overflow.targetQueueId)) {
      ctx.addIssue({ code: 'custom', path: ['queues', i, 'overflow', 'targetQueueId'], message: `unknown queue "${q.overflow.targetQueueId}"` });
    }
  });
  file.arrivalPhases?.forEach((p, i) => {
    const before = file.arrivalPhases?.[i - 1];
    if (before !== undefined && p.fromSeconds <= before.fromSeconds) {
      ctx.addIssue({ code: 'custom', path: ['arrivalPhases', i, 'fromSeconds'], message: 'phases must be in increasing fromSeconds' });
    }
  });
  file.surge?.supervisor?.forEach((sw, i) => {
    if (!ids.has(sw.queueId)) ctx.addIssue({ code: 'custom', path: ['surge', 'supervisor', i, 'queueId'], message: `unknown queue "${sw.queueId}"` });
    if ((sw.active === undefined) === (sw.release !== true)) {
      ctx.addIssue({ code: 'custom', path: ['surge', 'supervisor', i], message: 'give either "active" or "release": true' });
    }
  });
  file.agentGroups.forEach((g, i) => g.queues.forEach((s, j) => {
    if (!ids.has(s.queueId)) ctx.addIssue({ code: 'custom', path: ['agentGroups', i, 'queues', j, 'queueId'], message: `unknown queue "${s.queueId}"` });
  }));
});

/** A parsed scenario file. */
export type ScenarioFile = z.infer<typeof scenarioFileSchema>;

/** Turns zod issues into one line per problem, each naming its field (`queues[0].handle.meanSeconds`). */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => {
    const path = issue.path.reduce<string>((s, key) => (typeof key === 'number' ? `${s}[${key}]` : s === '' ? String(key) : `${s}.${String(key)}`), '');
    return `${path === '' ? '(file)' : path}: ${issue.message}`;
  }).join('\n');
}
