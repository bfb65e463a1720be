import { credentials, type ClientReadableStream } from '@grpc/grpc-js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Channel, CustomerTier, EnqueueRequest, OpsServiceClient, type RoutingEvent, type StreamEventsResponse } from '@switchboard/contracts';
import { startOps, type RunningOps } from '@switchboard/ops';
import { Desk } from './support/desk.js';
import { agent, agentRules } from './support/fixtures.js';
import { call, Mesh, TOKENS, until } from './support/mesh.js';

/** Short limits: a follow-up task is due 10 s after it opens and at risk at half of that. */
const LIMIT_SECONDS = 10;

/** A complaints queue whose unresolved complaints open tasks in a follow-ups queue with a short resolution limit. */
function rules(): Record<string, unknown> {
  const base = agentRules() as { queues: Record<string, unknown>[] };
  const general = base.queues[0]!;
  return {
    ...base,
    queues: [
      general,
      { ...general, id: 'complaints', followUp: { taskQueueId: 'follow-ups' } },
      { ...general, id: 'follow-ups', offerTimeoutSeconds: 30, resolutionLimitSeconds: LIMIT_SECONDS, followUp: { atRiskShare: 0.5, escalationBoost: 20 } },
    ],
  };
}

/**
 * Complaint follow-up end to end: a complaint completed unresolved over gRPC opens a follow-up
 * task (channel TASK) with its due time on ROUTING; the router offers it to the desk with task
 * capacity (not to the complaint agent, who has none); unfinished at its at-risk time (the
 * router's timers), it escalates: FollowUpTaskAtRisk on ROUTING and on the supervisors' watch
 * stream (OpsService.StreamEvents), and its priority is raised.
 */
describe('complaint follow-up: task opened, offered, escalated when at risk', () => {
  let mesh: Mesh;
  let ops: RunningOps;
  let complaints: Desk;
  let tasks: Desk;
  let watch: ClientReadableStream<StreamEventsResponse> | undefined;
  const watched: RoutingEvent[] = [];
  beforeAll(async () => {
    mesh = await Mesh.start({ rules: rules(), graceSeconds: 1, agents: [
      agent('c1', ['complaints']),
      { ...agent('t1', ['follow-ups']), capacity: { phone: 1, task: 2 } },
    ] });
    ops = await startOps({
      config: { httpPort: 0, grpcPort: 0, host: '127.0.0.1', domain: mesh.domain, natsUrl: mesh.nats.url, redisUrl: mesh.redis.url, traceTtlSeconds: 600,
        auth: { tokens: TOKENS, sessionTtlSeconds: 600 } },
      logger: pino({ level: 'silent' }), names: mesh.names, keyPrefix: mesh.scope.redisPrefix,
    });
    complaints = await Desk.open(mesh, 'c1');
    tasks = await Desk.open(mesh, 't1');
    for (const desk of [complaints, tasks]) {
      await desk.signIn();
      await desk.connect();
    }
  }, 60_000);
  afterAll(async () => {
    watch?.cancel();
    complaints?.close();
    tasks?.close();
    await ops?.stop();
    await mesh?.close();
  });

  it('opens the task with its due time, offers it to the desk with task capacity, and escalates it at risk', async () => {
    const client = new OpsServiceClient(`127.0.0.1:${ops.grpcPort}`, credentials.createInsecure());
    watch = client.streamEvents({ domain: mesh.domain, queueIds: [], agentIds: [], contactIds: [] }, await mesh.auth('lead', 'supervisor'));
    watch.on('data', (m: StreamEventsResponse) => { if (m.event) watched.push(m.event); });
    watch.on('error', () => undefined); // cancelled at the end
    await new Promise((r) => setTimeout(r, 300));

    await call(mesh.queueClient.enqueue.bind(mesh.queueClient), EnqueueRequest.fromPartial({ queueId: 'complaints', contact: {
      id: 'cmp-1', channel: Channel.CHANNEL_PHONE, domain: mesh.domain, intent: 'complaint', conversationId: 'conv-cmp-1',
      customer: { id: 'cust-cmp-1', tier: CustomerTier.CUSTOMER_TIER_STANDARD, phoneNumber: '+4930123456' } } }), await mesh.auth('pbx', 'platform'));
    await complaints.accept(await complaints.nextOffer('cmp-1'));
    const completedAt = Date.now();
    await call(complaints.api.complete.bind(complaints.api), { contactId: 'cmp-1', disposition: 'unresolved', notes: 'refund pending', wrapUpSeconds: 0, resolvedFirstContact: false }, complaints.md);

    const offer = await tasks.nextOffer('cmp-1-followup');
    expect(offer.contact).toMatchObject({ id: 'cmp-1-followup', channel: Channel.CHANNEL_TASK, queueId: 'follow-ups' });
    const events = await mesh.routingEvents();
    const opened = events.find((e) => e.followUpOpened);
    expect(opened).toMatchObject({ contactId: 'cmp-1-followup', queueId: 'follow-ups', channel: Channel.CHANNEL_TASK,
      followUpOpened: { fromContactId: 'cmp-1', fromAgentId: 'c1' } });
    const dueAt = opened!.followUpOpened!.dueAt!.getTime();
    const openedAt = opened!.occurredAt!.getTime();
    expect(dueAt - openedAt).toBe(LIMIT_SECONDS * 1000);
    expect(opened!.followUpOpened!.atRiskAt!.getTime() - openedAt).toBe(LIMIT_SECONDS * 500);
    expect(openedAt).toBeGreaterThanOrEqual(completedAt - 1_000);
    // Offered to the task desk, never to the complaint agent (no task capacity, not in the queue).
    expect(events.filter((e) => e.offered && e.contactId === 'cmp-1-followup').map((e) => e.agentId)).toEqual(['t1']);

    // The agent takes it but does not finish in time: at half the limit it is at risk.
    await tasks.accept(offer);
    const atRisk = await until('the task escalated on ROUTING', async () => (await mesh.routingEvents()).find((e) => e.followUpAtRisk), 20_000);
    expect(atRisk).toMatchObject({ contactId: 'cmp-1-followup', agentId: 't1', followUpAtRisk: { state: 'CONNECTED', fromPriority: 0, toPriority: 20 } });
    expect(atRisk.followUpAtRisk!.dueAt!.getTime()).toBe(dueAt);
    expect(atRisk.occurredAt!.getTime()).toBeGreaterThanOrEqual(openedAt + LIMIT_SECONDS * 500);
    expect((await mesh.routingEvents()).find((e) => e.reprioritized?.reason === 'AT_RISK')).toMatchObject({ contactId: 'cmp-1-followup', reprioritized: { toPriority: 20 } });
    const seen = await until('the escalation on the supervisors\' watch stream', () => watched.find((e) => e.followUpAtRisk));
    expect(seen).toMatchObject({ contactId: 'cmp-1-followup', agentId: 't1' });
    client.close();
  }, 60_000);
});
