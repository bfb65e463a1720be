import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { pino } from 'pino';
import { Channel, OpsServiceClient, type GetStaffingRequest, type GetStaffingResponse, type RoutingEvent } from '@switchboard/contracts';
import { agentsRequired, queueConfig, STAFFING_INTERVAL_MS, type AgentView } from '@switchboard/routing-core';
import { startOps, type RunningOps } from './start-ops.js';
import { answerRouterQueries, eventually, publishBatch, startOpsBed, TEST_TOKENS, type OpsBed } from './test-support.js';

const WEEK = 7 * 24 * 3_600_000;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const agent = (id: string, presence: AgentView['presence'], capacity: AgentView['capacity']): AgentView => ({
  id, team: 'care', skills: {}, languages: ['zh'], capacity, queues: [{ queueId: 'general', priority: 1 }],
  presence, idleSinceMs: Date.now(), used: { phone: 0, chat: 0, email: 0, wechat: 0, task: 0 }, consecutiveMisses: 0, contactIds: [],
});

/**
 * Staffing on the ops API: history published on ROUTING (real NATS) is counted into the Redis
 * buckets by ops' own durable consumer, and GET /api/staffing and GetStaffing give agents needed
 * beside agents signed in; a restarted ops gives the same figures from Redis alone.
 */
describe('staffing on the ops API', () => {
  let bed: OpsBed;
  let stopRouter: () => void;
  /**
   * The interval the history is for: two after the current, so the live window (this interval and
   * the hour before, all quiet in the history too) leaves the forecast at the history's mean even
   * if the test runs across an interval's end.
   */
  const planned = Math.floor(Date.now() / STAFFING_INTERVAL_MS) * STAFFING_INTERVAL_MS + 2 * STAFFING_INTERVAL_MS;
  beforeAll(async () => {
    bed = await startOpsBed('opsstaff');
    stopRouter = answerRouterQueries(bed, (q) => {
      if (q.query === 'queues') return { queues: [{ queueId: 'general', waiting: 0, offered: 0, config: queueConfig('general', { serviceLevel: { share: 0.8, withinSeconds: 20 } }) }] };
      if (q.query === 'agents') {
        return { agents: [agent('a1', 'AVAILABLE', { phone: 1, chat: 3 }), agent('a2', 'AWAY', { chat: 3 }), agent('a3', 'OFFLINE', { phone: 1, chat: 3 })] };
      }
      return { contacts: [] };
    });
    // Four past Mondays (or whatever today is) at the planned interval: per week 30 phone calls of
    // 180 s talk + 20 s wrap-up, waits 10 s, 3 of them abandoning after 50 s; and 45 chats of 360 s.
    for (let week = 1; week <= 4; week++) {
      const at = new Date(planned - week * WEEK + 60_000);
      const events: Partial<RoutingEvent>[] = [];
      for (let i = 0; i < 30; i++) {
        const contactId = `w${week}-p${i}`;
        const phone = { contactId, channel: Channel.CHANNEL_PHONE, occurredAt: at, arrivedAt: at, enqueuedAt: at };
        events.push({ ...phone, queued: { effectivePriority: 0, position: 0 } });
        if (i < 3) events.push({ ...phone, abandoned: { waitSeconds: 50, fromState: 'QUEUED', reason: '' } });
        else {
          events.push({ ...phone, agentId: 'a1', accepted: { reservationToken: 1, waitSeconds: 10 } },
            { ...phone, agentId: 'a1', completed: { disposition: 'done', handleSeconds: 180, notes: '' } },
            { ...phone, agentId: 'a1', wrapUpEnded: { wrapUpSeconds: 20 } });
        }
      }
      for (let i = 0; i < 45; i++) {
        const chat = { contactId: `w${week}-c${i}`, channel: Channel.CHANNEL_CHAT, occurredAt: at, arrivedAt: at, enqueuedAt: at };
        events.push({ ...chat, queued: { effectivePriority: 0, position: 0 } }, { ...chat, agentId: 'a1', accepted: { reservationToken: 1, waitSeconds: 5 } },
          { ...chat, agentId: 'a1', completed: { disposition: 'done', handleSeconds: 360, notes: '' } });
      }
      await publishBatch(bed, ...events);
    }
  });
  afterAll(async () => {
    stopRouter?.();
    await bed?.close();
  });

  const staffing = (headers: { authorization: string }, query = '?queue=general') => eventually(async () => {
    const res = await fetch(`${bed.url}/api/staffing${query}`, { headers });
    const body = (await res.json()) as Json;
    const general = (body.queues as Json[] | undefined)?.find((q) => q.queueId === 'general');
    // Until the recorder has counted all four weeks, the history is shorter.
    const interval = (general?.intervals as Json[] | undefined)?.find((i) => Date.parse(i.start) === planned);
    return res.status === 200 && interval?.channels?.[0]?.historyWeeks === 4 && interval.channels[0].arrivals >= 29.99 ? body : undefined;
  }, 20_000);

  it('gives agents needed per channel from the history, beside the agents signed in', async () => {
    const body = await staffing(bed.reader);
    const general = (body.queues as Json[])[0]!;
    expect(general).toMatchObject({ queueId: 'general', serviceLevelShare: 0.8, serviceLevelSeconds: 20, agentsSignedIn: 2, agentsRoutable: 1 });
    expect(general.intervals).toHaveLength(9);
    expect(Date.parse(body.historySince)).toBe(planned - 4 * WEEK);
    const interval = (general.intervals as Json[]).find((i) => Date.parse(i.start) === planned)!;
    const phone = (interval.channels as Json[]).find((c) => c.channel === 'phone')!;
    const chat = (interval.channels as Json[]).find((c) => c.channel === 'chat')!;
    // Phone: 30 per interval; AHT = (27 × 200) / 27 = 200 s; patience = (27 × 10 + 3 × 50) / 3 = 140 s.
    expect(phone).toMatchObject({ arrivals: 30, arrivalsPerHour: 120, handleSeconds: 200, patienceSeconds: 140, concurrency: 1, model: 'erlang-a', historyWeeks: 4, basis: 'history', agentsSignedIn: 1 });
    const phoneSlots = agentsRequired({ arrivalRate: 30 / 900, handleSeconds: 200, patienceSeconds: 140 }, { serviceLevel: 0.8, slSeconds: 20 }).agents;
    expect(phone).toMatchObject({ slotsNeeded: phoneSlots, agentsNeeded: phoneSlots });
    // Chat: 45 per interval of 360 s, nobody abandoned (Erlang C), 3 at once (the agents' capacity).
    const chatSlots = agentsRequired({ arrivalRate: 45 / 900, handleSeconds: 360 }, { serviceLevel: 0.8, slSeconds: 20 }).agents;
    expect(chat).toMatchObject({ arrivals: 45, handleSeconds: 360, concurrency: 3, model: 'erlang-c', slotsNeeded: chatSlots, agentsNeeded: Math.ceil(chatSlots / 3), agentsSignedIn: 2 });
    expect(chat.patienceSeconds).toBeUndefined();
    expect(interval.agentsNeeded).toBe(phoneSlots + Math.ceil(chatSlots / 3));
    // An interval no past week saw is quiet: nobody needed.
    const later = (general.intervals as Json[]).find((i) => Date.parse(i.start) === planned + 2 * STAFFING_INTERVAL_MS)!;
    expect(later.agentsNeeded).toBe(0);
  });

  it('answers GetStaffing over gRPC with the same figures, and refuses bad input with a reason', async () => {
    const http = await staffing(bed.reader);
    const client = new OpsServiceClient(`127.0.0.1:${bed.ops.grpcPort}`, credentials.createInsecure());
    const md = new Metadata();
    md.set('authorization', bed.reader.authorization);
    const call = (req: GetStaffingRequest) => new Promise<GetStaffingResponse>((resolve, reject) =>
      client.getStaffing(req, md, (e: ServiceError | null, r: GetStaffingResponse) => (e ? reject(e) : resolve(r))));
    try {
      const grpc = await call({ domain: '', queueIds: ['general'], intervals: 8 });
      const at = (r: { intervals: { start?: Date | undefined; agentsNeeded?: number | undefined }[] }) => r.intervals.find((i) => i.start?.getTime() === planned)?.agentsNeeded;
      expect(at(grpc.queues[0]!)).toBe(at({ intervals: (http.queues as Json[])[0]!.intervals.map((i: Json) => ({ ...i, start: new Date(i.start) })) }));
      await expect(call({ domain: '', queueIds: ['nope'], intervals: 0 })).rejects.toMatchObject({ code: status.NOT_FOUND, details: expect.stringContaining('nope') });
      await expect(call({ domain: '', queueIds: [], intervals: 500 })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('intervals') });
    } finally {
      client.close();
    }
    const bad = await fetch(`${bed.url}/api/staffing?intervals=0`, { headers: bed.reader });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('intervals');
    expect((await fetch(`${bed.url}/api/staffing`)).status).toBe(401);
  });

  it('gives the same figures after an ops restart, from Redis (the durable has nothing to replay)', async () => {
    const before = await staffing(bed.reader);
    await bed.ops.stop();
    let again: RunningOps | undefined;
    try {
      again = await startOps({
        config: { httpPort: 0, grpcPort: 0, host: '127.0.0.1', domain: bed.scope.domain, natsUrl: bed.nats.url, redisUrl: bed.redis.url, traceTtlSeconds: 600,
          auth: { tokens: TEST_TOKENS, sessionTtlSeconds: 600 } },
        logger: pino({ level: 'silent' }), names: bed.names, keyPrefix: bed.scope.redisPrefix,
      });
      const res = await fetch(`http://127.0.0.1:${again.httpPort}/api/staffing?queue=general`, { headers: bed.reader });
      const after = (await res.json()) as Json;
      const pick = (b: Json) => (b.queues as Json[])[0]!.intervals.find((i: Json) => Date.parse(i.start) === planned);
      expect(pick(after)).toEqual(pick(before));
      expect(after.historySince).toBe(before.historySince);
    } finally {
      await again?.stop();
      // The bed's own close stops its (already stopped) ops again: harmless.
    }
  });
});
