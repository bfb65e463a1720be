import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { parquetReadObjects } from 'hyparquet';
import { pino } from 'pino';
import { OpsServiceClient, Presence, type GetAgentPerformanceRequest, type GetAgentPerformanceResponse, type RoutingEvent } from '@switchboard/contracts';
import { ensureStreams } from '@switchboard/bus';
import { startOps, type RunningOps } from '../start-ops.js';
import { eventually, publishBatch, startOpsBed, TEST_TOKENS, type OpsBed } from '../test-support.js';

const MIN = 60_000;
/** Two whole hours ago (UTC): the fixture's hour lies in the past, within the 35 days of 15-minute buckets. */
const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
const at = (m: number) => new Date(T0 + m * MIN);
const presence = (agentId: string, m: number, from: Presence, to: Presence): Partial<RoutingEvent> =>
  ({ agentId, occurredAt: at(m), presenceChanged: { previous: { presence: from, reason: '', since: at(m) }, presence: { presence: to, reason: '', since: at(m) } } });
const onContact = (contactId: string, agentId: string, m: number, body: Partial<RoutingEvent>): Partial<RoutingEvent> => ({ contactId, agentId, occurredAt: at(m), ...body });

interface Row { agentId: string; intervalStart: string; contactsHandled?: number; ahtSeconds?: number | string; acwSeconds?: number | string; occupancy?: number | string;
  adherence?: number | string; offered?: number; accepted?: number; declined?: number; busySeconds?: number; idleSeconds?: number; signedInSeconds?: number;
  firstContactResolution?: number | string; csat?: number | string }

describe('agent performance in ops: stored per 15 minutes, over HTTP, CSV and gRPC, across a restart', () => {
  let bed: OpsBed;
  let second: RunningOps | undefined;
  let url: string;
  beforeAll(async () => {
    bed = await startOpsBed('agentperf');
    url = bed.url;
    // a1: signed in T0–T0+30; c1 talk 2–10 (resolved), wrap 10–12; c2 offered at 14 and declined.
    await publishBatch(bed, presence('a1', 0, Presence.PRESENCE_OFFLINE, Presence.PRESENCE_AVAILABLE));
    await publishBatch(bed, onContact('c1', 'a1', 2, { offered: { reservationToken: 1, expiresAt: at(3) } }), onContact('c1', 'a1', 2, { accepted: { reservationToken: 1, waitSeconds: 5 } }));
    await publishBatch(bed, onContact('c1', 'a1', 10, { completed: { disposition: 'ok', notes: '', handleSeconds: 480, resolvedFirstContact: true } }));
    await publishBatch(bed, onContact('c1', 'a1', 12, { wrapUpEnded: { wrapUpSeconds: 120 } }));
    await publishBatch(bed, onContact('c2', 'a1', 14, { offered: { reservationToken: 1, expiresAt: at(15) } }), onContact('c2', 'a1', 14.5, { declined: { reservationToken: 1, reason: 'busy' } }));
    await publishBatch(bed, presence('a1', 30, Presence.PRESENCE_AVAILABLE, Presence.PRESENCE_OFFLINE));
    // a2 signs in at T0+50 and stays: its open stretch counts up to now.
    await publishBatch(bed, presence('a2', 50, Presence.PRESENCE_OFFLINE, Presence.PRESENCE_AVAILABLE));
  });
  afterAll(async () => {
    if (!second) return bed?.close();
    // The first ops was stopped by the restart test: stop the second and clean up the bed's streams and keys.
    await second.stop();
    await bed.nats.cleanup();
    await bed.redis.cleanup();
  });

  const rows = async (query: string, base = url): Promise<Row[]> => {
    const res = await fetch(`${base}/api/agents/performance?${query}`, { headers: bed.supervisor });
    const body = (await res.json()) as { rows?: Row[]; error?: unknown };
    if (res.status !== 200) throw new Error(JSON.stringify(body));
    return body.rows ?? [];
  };
  const hour = `from=${at(0).toISOString()}&to=${at(60).toISOString()}&interval=1h`;
  const a1Complete = async (base = url) => {
    const found = (await rows(hour, base)).find((r) => r.agentId === 'a1');
    return found?.signedInSeconds === 1800 && found.declined === 1 ? found : undefined;
  };

  it('gives the hand-computed hour of a1 and the open stretch of a2', async () => {
    const a1 = await eventually(() => a1Complete(), 15_000);
    // Busy 2–12 = 600 s; idle 0–2 and 12–30 = 1200 s; occupancy 600 / 1800; adherence 1800 / 1800.
    // AHT = (480 + 120) / 1 = 600 s; ACW = 120 s; FCR 1 of 1; no surveys: CSAT has no figure.
    expect(a1).toMatchObject({ contactsHandled: 1, ahtSeconds: 600, acwSeconds: 120, offered: 2, accepted: 1, declined: 1, busySeconds: 600, idleSeconds: 1200,
      adherence: 1, firstContactResolution: 1, csat: 'NaN' });
    expect(a1.occupancy).toBeCloseTo(1 / 3, 9);
    // a2: idle from 50 to the hour's end = 600 s (its stretch is still open, counted up to now).
    const a2 = (await rows(hour)).find((r) => r.agentId === 'a2');
    expect(a2).toMatchObject({ idleSeconds: 600, signedInSeconds: 600, adherence: 1 });
    expect(a2?.occupancy ?? 0).toBe(0); // proto3 JSON leaves zeros out
    expect(a2?.contactsHandled ?? 0).toBe(0);
  });

  it('splits the hour into 15-minute rows and answers one agent, and refuses what it cannot answer with the field', async () => {
    await eventually(() => a1Complete(), 15_000);
    // An agent named twice is one agent, counted once.
    const quarters = await rows(`from=${at(0).toISOString()}&to=${at(60).toISOString()}&interval=15m&agent=a1&agent=a1`);
    expect(quarters.map((r) => r.intervalStart)).toEqual([0, 15, 30, 45].map((m) => at(m).toISOString()));
    // 0–15: idle 0–2 and 12–15 = 300 s, busy 2–12 = 600 s; 15–30: idle 900 s; after 30 signed out.
    expect(quarters.map((r) => [r.busySeconds ?? 0, r.idleSeconds ?? 0, r.signedInSeconds ?? 0])).toEqual([[600, 300, 900], [0, 900, 900], [0, 0, 0], [0, 0, 0]]);
    const bad = await fetch(`${url}/api/agents/performance?interval=5m`, { headers: bed.supervisor });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { field: 'interval' } });
    const old = await fetch(`${url}/api/agents/performance?interval=15m&from=${new Date(Date.now() - 40 * 86_400_000).toISOString()}`, { headers: bed.supervisor });
    expect(old.status).toBe(400);
    expect(await old.json()).toMatchObject({ error: { field: 'from', message: expect.stringContaining('35 days') } });
    // 100 agents over 501 days by range: 50,100 agent-days to read, more than one answer may.
    const agents = Array.from({ length: 100 }, (_, i) => `agent=x${i}`).join('&');
    const wide = await fetch(`${url}/api/agents/performance?interval=range&from=${new Date(Date.now() - 501 * 86_400_000).toISOString()}&${agents}`, { headers: bed.supervisor });
    expect(wide.status).toBe(400);
    expect(await wide.json()).toMatchObject({ error: { field: 'from', message: expect.stringContaining('agent-days') } });
  });

  it('exports CSV with a header and empty cells for figures without data', async () => {
    await eventually(() => a1Complete(), 15_000);
    const res = await fetch(`${url}/api/agents/performance.csv?${hour}&agent=a1`, { headers: bed.supervisor });
    expect(res.headers.get('content-type')).toContain('text/csv');
    const [header, line, end] = (await res.text()).split('\r\n');
    const cells = Object.fromEntries(header!.split(',').map((name, i) => [name, line!.split(',')[i]]));
    expect(cells).toMatchObject({ agent_id: 'a1', interval_start: at(0).toISOString(), contacts_handled: '1', aht_seconds: '600', acw_seconds: '120',
      occupancy: '0.333333', adherence: '1', declined: '1', first_contact_resolution: '1', csat: '', qa_score: '' });
    expect(end).toBe('');
  });

  it('exports Parquet that a Parquet reader reads back typed, with null where a figure has no data', async () => {
    await eventually(() => a1Complete(), 15_000);
    const res = await fetch(`${url}/api/agents/performance.parquet?${hour}&agent=a1`, { headers: bed.supervisor });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    const rows = await parquetReadObjects({ file: await res.arrayBuffer() });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ agent_id: 'a1', contacts_handled: 1, aht_seconds: 600, acw_seconds: 120, declined: 1, busy_seconds: 600, csat: null, qa_score: null });
    expect(new Date(rows[0]!.interval_start as string | Date).getTime()).toBe(T0);
  });

  it('answers GetAgentPerformance over gRPC, INVALID_ARGUMENT for an unknown interval', async () => {
    await eventually(() => a1Complete(), 15_000);
    const client = new OpsServiceClient(`127.0.0.1:${bed.ops.grpcPort}`, credentials.createInsecure());
    const md = new Metadata();
    md.set('authorization', bed.supervisor.authorization);
    const call = (req: GetAgentPerformanceRequest) => new Promise<GetAgentPerformanceResponse>((resolve, reject) =>
      client.getAgentPerformance(req, md, (e: ServiceError | null, r: GetAgentPerformanceResponse) => (e ? reject(e) : resolve(r))));
    try {
      const day = await call({ domain: '', agentIds: ['a1'], from: at(0), to: at(60), intervalSeconds: 86_400 });
      expect(day.rows).toHaveLength(1);
      expect(day.rows[0]).toMatchObject({ agentId: 'a1', contactsHandled: 1, busySeconds: 600, ahtSeconds: 600 });
      await expect(call({ domain: '', agentIds: [], from: at(0), to: at(60), intervalSeconds: 60 })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    } finally {
      client.close();
    }
  });

  it('keeps the figures across an ops restart without replaying ROUTING (the stream is purged meanwhile)', async () => {
    const before = await eventually(() => a1Complete(), 15_000);
    await bed.ops.stop();
    await bed.nats.jsm.streams.purge(bed.names.routingStream);
    second = await startOps({
      config: { httpPort: 0, grpcPort: 0, host: '127.0.0.1', domain: bed.scope.domain, natsUrl: bed.nats.url, redisUrl: bed.redis.url, traceTtlSeconds: 600,
        auth: { tokens: TEST_TOKENS, sessionTtlSeconds: 600 } },
      logger: pino({ level: 'silent' }), names: bed.names, keyPrefix: bed.scope.redisPrefix,
    });
    url = `http://127.0.0.1:${second.httpPort}`;
    expect(await a1Complete(url)).toEqual(before);
    // The restarted follower goes on from where the store stands: a2 signs out at T0+55.
    await publishBatch(bed, presence('a2', 55, Presence.PRESENCE_AVAILABLE, Presence.PRESENCE_OFFLINE));
    const a2 = await eventually(async () => (await rows(hour)).find((r) => r.agentId === 'a2' && r.signedInSeconds === 300), 15_000);
    expect(a2.idleSeconds).toBe(300);
  });

  it('starts over from a re-created ROUTING stream (its sequence began again), keeping what it stored', async () => {
    const before = await eventually(() => a1Complete(), 15_000);
    await second!.stop();
    await bed.nats.jsm.streams.delete(bed.names.routingStream);
    await ensureStreams(bed.nats.jsm, bed.names);
    second = await startOps({
      config: { httpPort: 0, grpcPort: 0, host: '127.0.0.1', domain: bed.scope.domain, natsUrl: bed.nats.url, redisUrl: bed.redis.url, traceTtlSeconds: 600,
        auth: { tokens: TEST_TOKENS, sessionTtlSeconds: 600 } },
      logger: pino({ level: 'silent' }), names: bed.names, keyPrefix: bed.scope.redisPrefix,
    });
    url = `http://127.0.0.1:${second.httpPort}`;
    // The new stream's first batch (sequence 1) counts: a3 signs in and out, 10 minutes.
    await publishBatch(bed, presence('a3', 40, Presence.PRESENCE_OFFLINE, Presence.PRESENCE_AVAILABLE), presence('a3', 50, Presence.PRESENCE_AVAILABLE, Presence.PRESENCE_OFFLINE));
    const a3 = await eventually(async () => (await rows(hour)).find((r) => r.agentId === 'a3' && r.signedInSeconds === 600), 15_000);
    expect(a3.idleSeconds).toBe(600);
    expect(await a1Complete(url)).toEqual(before);
  });
});
