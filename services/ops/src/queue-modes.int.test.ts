import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, Metadata } from '@grpc/grpc-js';
import { OpsServiceClient, RoutingEvent, type GetSnapshotResponse } from '@switchboard/contracts';
import { queueConfig, type AgentView } from '@switchboard/routing-core';
import { QUEUE_CHANGES_KEPT, TraceStore } from './index/trace-store.js';
import { answerRouterQueries, eventually, publishBatch, startOpsBed, type OpsBed } from './test-support.js';

const SHANGHAI_HOURS = {
  timeZone: 'Asia/Shanghai',
  weekly: [1, 2, 3, 4, 5].map((isoWeekday) => ({ isoWeekday, windows: [{ open: '09:00', close: '18:00' }] })),
  holidays: [{ date: '2026-10-01', name: 'National Day', windows: [] }],
};
/** 18:00 in Shanghai on 7 December 2026: when the router says `general` next changes. */
const NEXT_CHANGE_MS = Date.parse('2026-12-07T18:00:00+08:00');

const agent = (id: string, queueId: string): AgentView => ({
  id, team: 'care', skills: {}, languages: ['zh'], capacity: { phone: 1, chat: 3, email: 5, wechat: 3 }, queues: [{ queueId, priority: 1 }],
  presence: 'AVAILABLE', idleSinceMs: Date.now(), used: { phone: 0, chat: 0, email: 0, wechat: 0, task: 0 }, consecutiveMisses: 0, contactIds: [],
});

type Json = Record<string, unknown>;

describe('queue hours, surge and forecast on the ops API', () => {
  let bed: OpsBed;
  let stopRouter: () => void;
  beforeAll(async () => {
    bed = await startOpsBed('opsmodes');
    stopRouter = answerRouterQueries(bed, (q) => {
      if (q.query === 'queues') {
        return { queues: [
          { queueId: 'general', waiting: 0, offered: 0, config: queueConfig('general', { hours: SHANGHAI_HOURS, emergencyClosedReason: 'system outage, call +8613800000000',
            surge: { auto: true, callbackOfferAfterSeconds: 0, deferEmailBelowPriority: 1, horizonSeconds: 900 } }),
          mode: { open: false, nextChangeMs: NEXT_CHANGE_MS, surge: { active: true, pinned: true, source: 'SUPERVISOR', sinceMs: Date.now() - 60_000 } } },
          { queueId: 'plain', waiting: 0, offered: 0, config: queueConfig('plain'), mode: { open: true, surge: { active: false, pinned: false, sinceMs: 0 } } },
        ] };
      }
      if (q.query === 'agents') return { agents: [agent('agent-1', 'general'), agent('agent-2', 'general')] };
      return { contacts: [] };
    });
    const at = new Date(Date.now() - 30_000);
    // A handled chat on general: the live rates have an arrival and a handle time to forecast with.
    await publishBatch(bed, { contactId: 'm-1', arrivedAt: at, enqueuedAt: at, queued: { effectivePriority: 0, position: 1 } });
    await publishBatch(bed, { contactId: 'm-1', agentId: 'agent-1', accepted: { reservationToken: 1, waitSeconds: 4 } });
    await publishBatch(bed, { contactId: 'm-1', agentId: 'agent-1', completed: { disposition: 'done', handleSeconds: 180, notes: '' } });
    // The queue's own changes: no contact, the queue named.
    await publishBatch(bed, { contactId: '', channel: 0, surgeChanged: { active: true, source: 'FORECAST', reason: 'forecast service level 52% < target 80%', predictedServiceLevel: 0.52 } });
    await publishBatch(bed, { contactId: '', channel: 0, hoursChanged: { open: false, reason: 'EMERGENCY', holiday: '' } },
      { contactId: '', channel: 0, by: 'lead-1', surgeChanged: { active: true, source: 'SUPERVISOR', reason: 'storm warning' } });
  });
  afterAll(async () => {
    stopRouter?.();
    await bed?.close();
  });

  const snapshot = (headers: { authorization: string }) => eventually(async () => {
    const res = await fetch(`${bed.url}/api/snapshot`, { headers });
    const body = (await res.json()) as { modes?: Json[]; queues?: Json[] };
    const general = body.modes?.find((m) => m.queueId === 'general');
    return res.status === 200 && (general?.changes as unknown[] | undefined)?.length === 3 ? body : undefined;
  });

  it('shows whether each queue is open and why, its hours, the next change in its time zone, and surge as the router has it', async () => {
    const body = await snapshot(bed.supervisor);
    const general = body.modes!.find((m) => m.queueId === 'general')!;
    // proto3 JSON leaves false and 0 out: a closed queue has no `open`.
    expect(general.open).toBeUndefined();
    expect(general).toMatchObject({
      reason: 'EMERGENCY', emergencyClosedReason: 'system outage, call +8613800000000',
      nextChangeAt: new Date(NEXT_CHANGE_MS).toISOString(), nextChangeLocal: '2026-12-07 18:00',
      hours: { timeZone: 'Asia/Shanghai', holidays: [{ date: '2026-10-01', name: 'National Day' }] },
      surgeActive: true, surgePinned: true, surgeSource: 'SUPERVISOR', surgeAuto: true, decidedServiceLevel: 0.52,
    });
    expect((general.hours as { weekly: unknown[] }).weekly).toHaveLength(5);
    expect(general.surgeSince).toEqual(expect.any(String));
    // Newest first, each with its reason (and who, for a supervisor's switch).
    expect((general.changes as Json[]).map((e) => [Object.keys(e).find((k) => k === 'hoursChanged' || k === 'surgeChanged'), e.by ?? ''])).toEqual([
      ['surgeChanged', 'lead-1'], ['hoursChanged', ''], ['surgeChanged', ''],
    ]);
    expect((general.changes as Json[])[0]).toMatchObject({ queueId: 'general', surgeChanged: { source: 'SUPERVISOR', reason: 'storm warning' } });
    const plain = body.modes!.find((m) => m.queueId === 'plain')!;
    expect(plain).toMatchObject({ open: true, reason: 'SCHEDULE' });
    expect([plain.surgeActive, plain.surgeSource, plain.surgeSince]).toEqual([undefined, undefined, undefined]);
    expect(plain.nextChangeAt).toBeUndefined();
    expect(plain.hours).toBeUndefined();
    expect(plain.changes ?? []).toEqual([]);
  });

  it('puts the forecast beside the measured service level, from the same recent window', async () => {
    const body = await snapshot(bed.supervisor);
    const general = body.modes!.find((m) => m.queueId === 'general')!;
    expect(general.forecastServiceLevel).toEqual(expect.any(Number));
    // One chat in 15 minutes, 3 minutes each, six chat slots serving: hardly anyone waits.
    expect(general.forecastServiceLevel as number).toBeGreaterThan(0.9);
    expect(general.forecastServiceLevel as number).toBeLessThanOrEqual(1);
    const stats = body.queues!.find((q) => q.queueId === 'general')!;
    expect(stats.open).toBeUndefined();
    expect(stats).toMatchObject({ serviceLevel: 1, surgeActive: true, forecastServiceLevel: general.forecastServiceLevel });
    expect(stats.arrivalRate as number).toBeGreaterThan(0);
    // No conversation ended on plain: no handle time, no forecast (unset, not a guess).
    expect(body.modes!.find((m) => m.queueId === 'plain')!.forecastServiceLevel).toBeUndefined();
  });

  it('keeps the ops role read-only and redacted as before', async () => {
    const body = await snapshot(bed.reader);
    const general = body.modes!.find((m) => m.queueId === 'general')!;
    expect(JSON.stringify(body)).not.toContain('8613800000000');
    expect(general).toMatchObject({ reason: 'EMERGENCY', surgeActive: true, surgePinned: true });
  });

  it('answers the same modes over gRPC GetSnapshot', async () => {
    const client = new OpsServiceClient(`127.0.0.1:${bed.ops.grpcPort}`, credentials.createInsecure());
    const md = new Metadata();
    md.set('authorization', bed.supervisor.authorization);
    try {
      const r = await new Promise<GetSnapshotResponse>((resolve, reject) => client.getSnapshot({ domain: '' }, md, (e, res) => (e ? reject(e) : resolve(res))));
      const general = r.modes.find((m) => m.queueId === 'general')!;
      expect(general).toMatchObject({ open: false, reason: 'EMERGENCY', surgePinned: true, decidedServiceLevel: 0.52, nextChangeLocal: '2026-12-07 18:00' });
      expect(general.changes[0]?.surgeChanged?.reason).toBe('storm warning');
    } finally {
      client.close();
    }
  });

  it('keeps the newest changes per queue, once each however often a batch is delivered', async () => {
    const store = new TraceStore(bed.redis.redis, { domain: bed.scope.domain, ttlSeconds: 60, keyPrefix: `${bed.scope.redisPrefix}bound:` });
    const change = (i: number) => RoutingEvent.fromPartial({ id: `s-${i}`, queueId: 'busy', surgeChanged: { active: i % 2 === 0, source: 'FORECAST', reason: `#${i}` } });
    for (let seq = 1; seq <= QUEUE_CHANGES_KEPT + 5; seq++) await store.addBatch(seq, [change(seq)]);
    await store.addBatch(QUEUE_CHANGES_KEPT + 5, [change(QUEUE_CHANGES_KEPT + 5)]); // a redelivery
    const kept = await store.queueChanges('busy');
    expect(kept.map((e) => e.surgeChanged?.reason)).toEqual(Array.from({ length: QUEUE_CHANGES_KEPT }, (_, i) => `#${QUEUE_CHANGES_KEPT + 5 - i}`));
    expect(await bed.redis.redis.ttl(`${bed.scope.redisPrefix}bound:{d:${bed.scope.domain}}:q:busy`)).toBeGreaterThan(0);
  });
});
