import { z } from 'zod';

/** A skill requirement: name and minimum proficiency 1..5. */
export const skillRequirementSchema = z.object({
  skill: z.string().min(1),
  minProficiency: z.number().int().min(1).max(5),
  optional: z.boolean().optional(),
});

const ring = z.object({
  afterSeconds: z.number().nonnegative(),
  proficiencyDrop: z.number().int().min(0).max(4).optional(),
  minProficiency: z.number().int().min(1).max(5).optional(),
  dropOptionalSkills: z.boolean().optional(),
  addTeams: z.array(z.string()).optional(),
});

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM, 00:00..24:00');
const openingWindow = z.object({ open: hhmm, close: hhmm });
/** Opening hours; the core checks what a schema cannot (the zone exists, windows do not overlap). */
const businessHours = z.object({
  timeZone: z.string().min(1),
  weekly: z.array(z.object({ isoWeekday: z.number().int().min(1).max(7), windows: z.array(openingWindow).max(8) })).max(7),
  holidays: z.array(z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'), name: z.string().max(100).optional(), windows: z.array(openingWindow).max(8) })).max(400).default([]),
});
const customerAction = z.object({
  kind: z.enum(['MESSAGE', 'OVERFLOW', 'CALLBACK_OFFER', 'VOICEMAIL', 'LEAVE_EMAIL']),
  targetQueueId: z.string().optional(),
  message: z.record(z.string().min(2).max(16), z.string().min(1).max(1000)).optional(),
});

/** A queue as the rules file declares it: the core's QueueConfig. */
export const queueSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only'),
  kind: z.enum(['VIP', 'PRIORITY']),
  serviceLevel: z.object({ share: z.number().gt(0).max(1), withinSeconds: z.number().positive() }),
  requiredSkills: z.array(skillRequirementSchema).default([]),
  teams: z.array(z.string()).optional(),
  rings: z.array(ring).default([]),
  strategy: z.enum(['LONGEST_IDLE', 'BEST_PROFICIENCY', 'LEAST_OCCUPIED', 'ROUND_ROBIN']).default('LONGEST_IDLE'),
  agingRatePerSecond: z.number().nonnegative().default(0),
  overflow: z.object({ targetQueueId: z.string(), afterSeconds: z.number().positive() }).optional(),
  maxWaitSeconds: z.number().positive().optional(),
  maxSize: z.number().int().positive().optional(),
  offerTimeoutSeconds: z.number().positive().default(20),
  wrapUpSeconds: z.number().nonnegative().default(30),
  missesBeforeAway: z.number().int().positive().default(3),
  stickyAgentWaitSeconds: z.number().nonnegative().default(0),
  dispositions: z.array(z.string().min(1).max(100)).max(200).optional(),
  maxHandleSeconds: z.number().positive().optional(),
  handleLimitAction: z.enum(['REQUEUE', 'END']).optional(),
  handleLimitGraceSeconds: z.number().nonnegative().optional(),
  orphanedCallSeconds: z.number().nonnegative().optional(),
  hours: businessHours.optional(),
  emergencyClosedReason: z.string().min(1).max(200).optional(),
  closedAction: customerAction.optional(),
  expiredAction: customerAction.optional(),
  fullAction: customerAction.optional(),
  callback: z.object({ maxAttempts: z.number().int().min(1).max(10), retryAfterSeconds: z.number().nonnegative().max(86_400) }).optional(),
  surge: z.object({
    auto: z.boolean().default(false),
    callbackOfferAfterSeconds: z.number().nonnegative().default(0),
    deferEmailBelowPriority: z.number().int().default(1),
    horizonSeconds: z.number().positive().default(900),
  }).optional(),
  announceEverySeconds: z.number().min(10).max(3600).optional(),
  qaSampling: z.object({
    percent: z.number().min(0).max(100).optional(),
    intents: z.array(z.string().min(1).max(100)).max(50).optional(),
    csatAtMost: z.number().int().min(1).max(5).optional(),
  }).optional(),
  resolutionLimitSeconds: z.number().positive().max(366 * 86_400).optional(),
  followUp: z.object({
    intents: z.array(z.string().min(1).max(100)).max(50).optional(),
    complaintDispositions: z.array(z.string().min(1).max(100)).max(50).optional(),
    unresolvedDispositions: z.array(z.string().min(1).max(100)).max(50).optional(),
    taskQueueId: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only').optional(),
    atRiskShare: z.number().gt(0).max(1).optional(),
    escalationBoost: z.number().int().min(0).max(1_000).optional(),
  }).optional(),
  // One customer across channels (README "One customer across channels"); windows up to 90 days,
  // the customer history's retention.
  customer: z.object({
    policy: z.enum(['SAME_AGENT', 'NONE']).optional(),
    lastAgentWindowSeconds: z.number().int().min(0).max(90 * 86_400).optional(),
    fcrWindowSeconds: z.number().int().min(0).max(90 * 86_400).optional(),
  }).optional(),
  survey: z.object({
    enabled: z.boolean(),
    windowSeconds: z.number().positive().max(7 * 86_400).optional(),
    channels: z.array(z.enum(['phone', 'email', 'chat', 'wechat'])).max(4).optional(),
    // The question per language ("zh", "en"): a short sentence the channel sends as it is.
    texts: z.record(z.string().min(1).max(20), z.string().min(1).max(500)).optional(),
  }).optional(),
  vipPool: z.object({
    teams: z.array(z.string()).default([]),
    agentIds: z.array(z.string()).default([]),
    overflowToGeneralAfterSeconds: z.number().nonnegative(),
  }).optional(),
});

