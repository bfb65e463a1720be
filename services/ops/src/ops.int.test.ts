import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, publishArrival, publishBatch, publishEvent, startOpsBed, type OpsBed } from './test-support.js';

const explanation = { queueId: 'general', ring: 0, strategy: 'LONGEST_IDLE', ruleVersion: 'v1', chosenAgentId: 'agent-1', chosenScore: 42,
  candidates: [{ agentId: 'agent-1', eligible: true, reasons: [], score: 42, detail: '' }, { agentId: 'agent-2', eligible: false, reasons: [5], score: 0, detail: '' }],
  candidatesConsidered: 2, candidatesEligible: 1, waitingBecause: '', effectivePriority: 0, trigger: 'CONTACT_QUEUED', passedOverCounts: { PRESENCE: 1 }, poolOpen: false };

describe('ops HTTP API', () => {
  let bed: OpsBed;
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  beforeAll(async () => {
    bed = await startOpsBed('opshttp');
    const t0 = Date.now() - 5_000;
    await publishArrival(bed, 'c-1', traceId);
    // Queued and offered in one commit: one ROUTING message, so both events share its stream sequence.
    await publishBatch(bed, { contactId: 'c-1', queued: { effectivePriority: 0, position: 0 } },
      { contactId: 'c-1', agentId: 'agent-1', offered: { reservationToken: 1, expiresAt: new Date(t0 + 20_000), explanation } });
    await publishEvent(bed, { contactId: 'c-1', agentId: 'agent-1', accepted: { reservationToken: 1, waitSeconds: 3 } });
  });
  afterAll(async () => { await bed?.close(); });

  const get = (path: string) => fetch(bed.url + path, { headers: bed.supervisor });

  it('answers a contact trace from the index, with the explanation, the trace id, and no customer identifiers', async () => {
    const body = await eventually(async () => {
      const res = await get('/api/contacts/c-1/trace');
      const json = (await res.json()) as { events?: unknown[] };
      return res.status === 200 && json.events?.length === 3 ? json : undefined;
    });
    expect(body).toMatchObject({ traceId, contact: { id: 'c-1', intent: 'billing' } });
    const { events } = body as { events: Record<string, unknown>[] };
    expect(events.map((e) => ['queued', 'offered', 'accepted'].find((kind) => kind in e))).toEqual(['queued', 'offered', 'accepted']);
    const [, offered] = events;
    expect(offered).toMatchObject({ agentId: 'agent-1', offered: { explanation: { chosenAgentId: 'agent-1', candidatesConsidered: 2, passedOverCounts: { PRESENCE: 1 } } } });
    expect(JSON.stringify(body)).not.toMatch(/cust-secret-7|8613800000000/);
    expect(await (await get('/api/contacts?limit=5')).json()).toMatchObject({ contactIds: ['c-1'] });
  });

  it('answers 404 for an unknown contact and 400 naming a bad parameter', async () => {
    const missing = await get('/api/contacts/nope/trace');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'OPS.NOT_FOUND' } });
    const bad = await get('/api/kpis?from=yesterday-ish');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { field: 'from' } });
    expect((await get('/api/kpis?interval=-5')).status).toBe(400);
  });

  it('computes KPIs per queue from the routing record', async () => {
    const body = (await (await get('/api/kpis?from=10m')).json()) as { kpis: Record<string, unknown>[] };
    expect(body.kpis).toEqual([expect.objectContaining({ queueId: 'general', offered: 1, accepted: 1, serviceLevel: 1, asaSeconds: 3 })]);
  });

  it('streams routing events live over SSE, and replays with since', async () => {
    const controller = new AbortController();
    const res = await fetch(`${bed.url}/api/events?since=10m&contact=c-2`, { signal: controller.signal, headers: bed.supervisor });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    await publishEvent(bed, { contactId: 'c-2', queued: { effectivePriority: 0, position: 0 } });
    let text = '';
    while (!text.includes('"contactId":"c-2"')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('event: routing');
    expect(text).not.toContain('"contactId":"c-1"');
    controller.abort();
  });

  it('says the router is unavailable when no router owns the domain, and serves health, readiness and metrics', async () => {
    const snapshot = await get('/api/snapshot');
    expect(snapshot.status).toBe(503);
    expect(await snapshot.json()).toMatchObject({ error: { code: 'OPS.UNAVAILABLE', message: expect.stringContaining('router') } });
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(200);
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toContain('switchboard_ops_indexed_events_total');
  });

  it('serves the console', async () => {
    const page = await get('/');
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Ops console');
    expect((await get('/console/console.js')).status).toBe(200);
  });
});
