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
  vipPool: z.object({
    teams: z.array(z.string()).default([]),
    agentIds: z.array(z.string()).default([]),
    overflowToGeneralAfterSeconds: z.number().nonnegative(),
  }).optional(),
});

