import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  Channel, EndContactResponse, Presence, ReprioritizeResponse, RequeueContactResponse, SetAgentPresenceResponse, UpdateAgentResponse,
  type UpdateAgentRequest,
} from '@switchboard/contracts';
import { actionRoute, pathId, type ActionDeps } from './action-route.js';

const GATEWAY = 'agent gateway';
const QUEUE_SERVICE = 'queue service';

const reason = (max: number) => z.string().max(max, `at most ${max} characters`).default('');
const name = z.string().min(1, 'required').max(200, 'at most 200 characters');
const withReason = z.object({ reason: reason(200) }).strict();

const CHANNELS = { phone: Channel.CHANNEL_PHONE, email: Channel.CHANNEL_EMAIL, chat: Channel.CHANNEL_CHAT, wechat: Channel.CHANNEL_WECHAT } as const;

/** A profile change: only the fields sent change (the edge checks the values against the router's rules). */
export const profileBody = z.object({
  skills: z.record(name, z.number().int('a whole proficiency 1..5')).optional(),
  languages: z.array(name).max(50, 'at most 50').optional(),
  // Partial: a change names the channels it sets (z.record with enum keys would demand all four).
  capacities: z.partialRecord(z.enum(['phone', 'email', 'chat', 'wechat']), z.number().int('a whole number')).optional(),
  queues: z.array(z.object({ queueId: name, priority: z.number().int().default(0) }).strict()).max(200, 'at most 200').optional(),
  reset: z.boolean().default(false),
  reason: reason(200),
}).strict();

/** The UpdateAgent request of a profile body: `update_mask` names exactly the fields sent. */
export function profileRequest(agentId: string, body: z.output<typeof profileBody>): UpdateAgentRequest {
  const mask: string[] = [];
  if (body.skills) mask.push('skills');
  if (body.languages) mask.push('languages');
  if (body.capacities) mask.push('capacities');
  if (body.queues) mask.push('queues');
  return {
    agentId, updateMask: mask, resetToDirectory: body.reset, reason: body.reason, team: '', blendWithPhone: false,
    skills: Object.entries(body.skills ?? {}).map(([skill, proficiency]) => ({ name: skill, proficiency })),
    languages: body.languages ?? [],
    capacities: Object.entries(body.capacities ?? {}).map(([channel, maxConcurrent]) => ({ channel: CHANNELS[channel as keyof typeof CHANNELS], maxConcurrent })),
    queues: body.queues ?? [],
  };
}

/**
 * The console's supervisor controls, each a POST that calls AgentService or QueueService as the
 * person logged in: end, re-queue or re-prioritise a contact; set an agent's presence, sign them
 * out, change their skills, languages, capacities and queues.
 */
export function registerSupervisorActions(app: FastifyInstance, deps: ActionDeps): void {
  actionRoute(app, deps, '/api/contacts/:id/end', withReason, async ({ reader, params, body, edges, acting }) => {
    const { agents } = edges;
    const answer = await acting.call(reader, agents, agents.endContact, { contactId: pathId(params, 'id'), reason: body.reason }, GATEWAY);
    return EndContactResponse.toJSON(answer) as Record<string, unknown>;
  });
  actionRoute(app, deps, '/api/contacts/:id/requeue', withReason, async ({ reader, params, body, edges, acting }) => {
    const { agents } = edges;
    const answer = await acting.call(reader, agents, agents.requeueContact, { contactId: pathId(params, 'id'), reason: body.reason }, GATEWAY);
    return RequeueContactResponse.toJSON(answer) as Record<string, unknown>;
  });
  actionRoute(app, deps, '/api/contacts/:id/priority', z.object({ priority: z.number().int('a whole number'), reason: reason(200) }).strict(),
    async ({ reader, params, body, edges, acting, domain }) => {
      const { queues } = edges;
      const answer = await acting.call(reader, queues, queues.reprioritize, { domain, contactId: pathId(params, 'id'), priority: body.priority, reason: body.reason }, QUEUE_SERVICE);
      return ReprioritizeResponse.toJSON(answer) as Record<string, unknown>;
    });
  actionRoute(app, deps, '/api/agents/:id/presence', z.object({ presence: z.enum(['AVAILABLE', 'AWAY']), reason: reason(100) }).strict(),
    async ({ reader, params, body, edges, acting }) => {
      const { agents } = edges;
      const presence = body.presence === 'AWAY' ? Presence.PRESENCE_AWAY : Presence.PRESENCE_AVAILABLE;
      const answer = await acting.call(reader, agents, agents.setAgentPresence, { agentId: pathId(params, 'id'), presence, reason: body.reason }, GATEWAY);
      return SetAgentPresenceResponse.toJSON(answer) as Record<string, unknown>;
    });
  actionRoute(app, deps, '/api/agents/:id/sign-out', withReason, async ({ reader, params, body, edges, acting }) => {
    const { agents } = edges;
    await acting.call(reader, agents, agents.signAgentOut, { agentId: pathId(params, 'id'), reason: body.reason }, GATEWAY);
    return { signedOut: true };
  });
  actionRoute(app, deps, '/api/agents/:id/profile', profileBody, async ({ reader, params, body, edges, acting }) => {
    const { agents } = edges;
    const answer = await acting.call(reader, agents, agents.updateAgent, profileRequest(pathId(params, 'id'), body), GATEWAY);
    return UpdateAgentResponse.toJSON(answer) as Record<string, unknown>;
  });
}
