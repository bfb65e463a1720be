import { z } from 'zod';
import { queueSchema } from './queue-schema.js';
import { E164 } from '@switchboard/routing-core';

const id = z.string().min(1).max(200);
const capacity = z.object({
  phone: z.number().int().min(0).max(1).optional(),
  email: z.number().int().min(0).max(50).optional(),
  chat: z.number().int().min(0).max(20).optional(),
  wechat: z.number().int().min(0).max(20).optional(),
  task: z.number().int().min(0).max(50).optional(),
});

/** An agent's profile as desktops (through the agent gateway) send it at sign-in. */
export const agentProfileSchema = z.object({
  id,
  skills: z.record(z.string(), z.number().int().min(1).max(5)),
  languages: z.array(z.string()).default([]),
  team: z.string().default(''),
  capacity,
  allowBlendWithPhone: z.boolean().optional(),
  queues: z.array(z.object({ queueId: id, priority: z.number().int() })).min(1),
});

/** Commands other services may send a domain's router (`<root>.router.<domain>.cmd`). */
export const commandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('UPSERT_QUEUE'), queue: queueSchema, by: id.optional() }),
  z.object({ type: z.literal('SIGN_IN'), agent: agentProfileSchema, by: id.optional() }),
  z.object({ type: z.literal('SIGN_OUT'), agentId: id, by: id.optional() }),
  z.object({ type: z.literal('SET_PRESENCE'), agentId: id, presence: z.enum(['AVAILABLE', 'AWAY']), reason: z.string().max(100).optional(), by: id.optional() }),
  z.object({ type: z.literal('ACCEPT'), contactId: id, agentId: id, offerToken: z.number().int().positive() }),
  z.object({ type: z.literal('DECLINE'), contactId: id, agentId: id, offerToken: z.number().int().positive(), reason: z.string().max(200).default('declined') }),
  z.object({
    type: z.literal('COMPLETE'), contactId: id, agentId: id, disposition: z.string().max(100).default('resolved'),
    notes: z.string().max(4_000).optional(), resolvedFirstContact: z.boolean().optional(), endedOnChannel: z.boolean().optional(),
    by: id.optional(),
  }),
  z.object({ type: z.literal('END_WRAP_UP'), contactId: id, agentId: id }),
  z.object({ type: z.literal('REPRIORITIZE'), contactId: id, basePriority: z.number().int().min(-1_000).max(1_000), reason: z.string().max(200).optional(), by: id.optional() }),
  z.object({ type: z.literal('ABANDON'), contactId: id, reason: z.string().max(200).optional(), by: id.optional() }),
  z.object({
    type: z.literal('TRANSFER'),
    contactId: id,
    target: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('queue'), queueId: id }),
      z.object({ kind: z.literal('agent'), agentId: id, queueId: id.optional() }),
      z.object({ kind: z.literal('external'), destination: id }),
    ]),
    reason: z.string().max(200).optional(),
    /** Who asked (the agent or supervisor's subject); the edge sets it from the caller's token. */
    by: id.optional(),
  }),
  z.object({ type: z.literal('REQUEST_CALLBACK'), contactId: id, number: z.string().regex(E164, 'E.164: + and 7-15 digits'), by: id.optional() }),
  z.object({ type: z.literal('CALLBACK_FAILED'), contactId: id, reason: z.string().min(1).max(200) }),
  z.object({
    type: z.literal('SET_SURGE'), queueId: id, active: z.boolean(), source: z.enum(['FORECAST', 'SUPERVISOR']), reason: z.string().min(1).max(500),
    predictedServiceLevel: z.number().min(0).max(1).optional(), release: z.boolean().optional(), by: id.optional(),
  }),
  z.object({
    type: z.literal('SCORE_QA_REVIEW'),
    review: z.object({
      contactId: id, agentId: id, queueId: id, channel: z.enum(['phone', 'email', 'chat', 'wechat', 'task']), formId: id,
      criteria: z.array(z.object({ criterion: z.string().min(1).max(100), points: z.number().min(0), maxPoints: z.number().positive() })).min(1).max(50),
      comment: z.string().max(2_000).optional(),
    }),
    /** The reviewer: required, it is what the score is recorded against. */
    by: id,
  }),
]);

/** A request on the command subject: an optional idempotency id and the command. */
export const commandRequestSchema = z.object({
  id: z.string().max(200).optional(),
  command: commandSchema,
});

/** Read-only questions (`<root>.router.<domain>.query`). */
export const queryRequestSchema = z.discriminatedUnion('query', [
  z.object({ query: z.literal('contact'), contactId: id }),
  z.object({ query: z.literal('agent'), agentId: id }),
  z.object({ query: z.literal('position'), contactId: id }),
  z.object({ query: z.literal('waiting'), queueId: id, limit: z.number().int().min(1).max(1_000).default(50) }),
  z.object({ query: z.literal('queue'), queueId: id }),
  z.object({ query: z.literal('queues') }),
  z.object({ query: z.literal('agents') }),
  z.object({ query: z.literal('snapshot') }),
]);
