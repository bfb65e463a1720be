import { z } from 'zod';
import { queueSchema, skillRequirementSchema as skill } from '@switchboard/router-api';

const channel = z.enum(['phone', 'email', 'chat', 'wechat', 'task']);
const tier = z.enum(['STANDARD', 'VIP1', 'VIP2', 'VIP3']);

/** One routing rule: the first whose every given condition matches decides queue, priority and skills. */
export const ruleSchema = z.object({
  name: z.string().min(1),
  match: z.object({
    channel: z.array(channel).optional(),
    tier: z.array(tier).optional(),
    language: z.array(z.string()).optional(),
    intent: z.array(z.string()).optional(),
    attributes: z.record(z.string(), z.string()).optional(),
  }).default({}),
  route: z.object({
    queue: z.string(),
    priority: z.number().int().default(0),
    skills: z.array(skill).default([]),
  }),
});

/** The versioned routing-rules file (`ROUTER_RULES_FILE`). */
export const rulesFileSchema = z.object({
  version: z.string().min(1),
  queues: z.array(queueSchema).min(1),
  rules: z.array(ruleSchema).default([]),
  fallback: z.object({ queue: z.string(), priority: z.number().int().default(0) }),
}).superRefine((file, ctx) => {
  const ids = new Set(file.queues.map((q) => q.id));
  const check = (queue: string, path: (string | number)[]) => {
    if (!ids.has(queue)) ctx.addIssue({ code: 'custom', path, message: `unknown queue "${queue}"` });
  };
  file.rules.forEach((rule, i) => check(rule.route.queue, ['rules', i, 'route', 'queue']));
  check(file.fallback.queue, ['fallback', 'queue']);
  file.queues.forEach((q, i) => { if (q.overflow) check(q.overflow.targetQueueId, ['queues', i, 'overflow', 'targetQueueId']); });
});

export type RulesFile = z.infer<typeof rulesFileSchema>;
export type RoutingRule = z.infer<typeof ruleSchema>;
