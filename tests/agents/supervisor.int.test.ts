import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { Role } from '@switchboard/grpc-edge';
import { startOps, type RunningOps } from '@switchboard/ops';
import type { RouterClient } from '@switchboard/router-api';
import { opsAuthorization } from '../support/ops-auth.js';
import { bufCurl, type CurlResult } from './support/buf-curl.js';
import { agent, agentRules } from './support/fixtures.js';
import { Mesh, SECRET, TOKENS, until } from './support/mesh.js';

const AGENT = 'switchboard.v1.AgentService';
const QUEUE = 'switchboard.v1.QueueService';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The mesh's domain, which the CLI signs its tokens for (as SWITCHBOARD_DOMAIN tells it on a real site). */
let meshDomain = 'default';

/** `switchboard <args>` as an operator runs it, signing with the test's secret. */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('pnpm', ['-s', 'switchboard', ...args], { cwd: ROOT, env: { ...process.env, SWITCHBOARD_JWT_SECRET: SECRET, SWITCHBOARD_DOMAIN: meshDomain }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

/**
 * Supervisor controls over AgentService: end a contact, re-queue one, set another agent's
 * presence, sign an agent out — by buf curl (reflection only) and by the CLI, each refused for a
 * desk token, each on ROUTING with who did it and shown by `switchboard trace`.
 */
describe('supervisor controls', () => {
  let mesh: Mesh;
  let ops: RunningOps;
  let router: RouterClient;
  const token = (subject: string, role: Role = 'agent') => mesh.token(subject, role);
  const ok = (r: CurlResult) => {
    if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
    return r.body;
  };
  const contactState = async (contactId: string) => {
    const reply = await router.query({ query: 'contact', contactId });
    return (reply.ok ? reply['contact'] : undefined) as { agentId?: string; offerToken?: number; state: string } | undefined;
  };
  const offeredTo = (contactId: string, agentId: string) => until(`offer of ${contactId} to ${agentId}`, async () => {
    const c = await contactState(contactId);
    return c?.agentId === agentId && c.state === 'OFFERED' ? c.offerToken : undefined;
  });
  const trace = async (contactId: string) => until(`trace of ${contactId}`, async () => {
    const r = await fetch(`http://127.0.0.1:${ops.httpPort}/api/contacts/${contactId}/trace`, { headers: await opsAuthorization(mesh.domain, 'supervisor', SECRET) });
    return r.ok ? (await r.json()) as { events: Record<string, unknown>[] } : undefined;
  });
  beforeAll(async () => {
    mesh = await Mesh.start({ rules: agentRules(), agents: [agent('s1'), agent('s2')], graceSeconds: 30 });
    meshDomain = mesh.domain;
    router = mesh.routerClient();
    ops = await startOps({
      config: { httpPort: 0, grpcPort: 0, host: '127.0.0.1', domain: mesh.domain, natsUrl: mesh.nats.url, redisUrl: mesh.redis.url, traceTtlSeconds: 600,
        auth: { tokens: TOKENS, sessionTtlSeconds: 600 } },
      logger: pino({ level: 'silent' }), names: mesh.names, keyPrefix: mesh.scope.redisPrefix,
    });
  });
  afterAll(async () => {
    await ops?.stop();
    await mesh?.close();
  });

  it('a desk token is refused every supervisor action; a supervisor\'s actions are on the record with their name', async () => {
    const a = mesh.gateway.port;
    const [s1, s2, lead, pbx] = [await token('s1'), await token('s2'), await token('lead', 'supervisor'), await token('pbx', 'platform')];
    for (const [method, body] of [['EndContact', { contactId: 'x' }], ['RequeueContact', { contactId: 'x' }],
      ['SetAgentPresence', { agentId: 's2', presence: 'PRESENCE_AWAY' }], ['SignAgentOut', { agentId: 's2' }]] as const) {
      expect(await bufCurl(a, `${AGENT}/${method}`, body, s1), method).toMatchObject({ ok: false, code: 'permission_denied' });
    }
    ok(await bufCurl(a, `${AGENT}/SignIn`, {}, s1));
    ok(await bufCurl(a, `${AGENT}/SignIn`, {}, s2));
    // s2 goes away by the supervisor's hand: every offer now goes to s1.
    expect(ok(await bufCurl(a, `${AGENT}/SetAgentPresence`, { agentId: 's2', presence: 'PRESENCE_AWAY', reason: 'coaching' }, lead)))
      .toMatchObject({ presence: { presence: 'PRESENCE_AWAY', reason: 'coaching' } });
    const enqueue = (id: string) => bufCurl(mesh.queues.port, `${QUEUE}/Enqueue`, { contact: { id, channel: 'CHANNEL_PHONE', intent: 'billing', customer: { phoneNumber: '+4930123456' } } }, pbx);
    ok(await enqueue('sv-1'));
    const t1 = await offeredTo('sv-1', 's1');
    ok(await bufCurl(a, `${AGENT}/Accept`, { contactId: 'sv-1', reservationToken: String(t1) }, s1));
    // Re-queued by the supervisor: back in its queue, then offered again (s1 is the only one available).
    expect(ok(await bufCurl(a, `${AGENT}/RequeueContact`, { contactId: 'sv-1', reason: 'wrong product line' }, lead))).toHaveProperty('contact');
    const t2 = await offeredTo('sv-1', 's1');
    ok(await bufCurl(a, `${AGENT}/Accept`, { contactId: 'sv-1', reservationToken: String(t2) }, s1));
    // Ended by the supervisor while connected: completed for s1, wrap-up follows.
    expect(ok(await bufCurl(a, `${AGENT}/EndContact`, { contactId: 'sv-1', reason: 'test call' }, lead))).toMatchObject({ endedFrom: 'CONTACT_STATE_CONNECTED' });
    await until('sv-1 wrapping up or done', async () => ((await contactState('sv-1'))?.state ?? 'GONE') !== 'CONNECTED');

    const events = (await until('the supervisor\'s events in the trace', async () => {
      const t = await trace('sv-1');
      return t.events.some((e) => e['completed']) ? t : undefined;
    })).events;
    const byLead = events.filter((e) => e['by'] === 'lead');
    expect(byLead.map((e) => Object.keys(e).find((k) => k === 'transferred' || k === 'completed' || k === 'queued' || k === 'offered'))).toEqual(
      expect.arrayContaining(['transferred', 'completed']));
    expect(events.find((e) => e['transferred'])).toMatchObject({ by: 'lead', transferred: { reason: 'wrong product line' } });
    expect(events.find((e) => e['completed'])).toMatchObject({ by: 'lead', completed: { disposition: 'ended-by-supervisor' } });
    // The desk's own actions carry no supervisor.
    expect(events.find((e) => e['accepted'])?.['by'] ?? '').toBe('');

    // The CLI trace shows who did it.
    const shown = await cli(['trace', 'sv-1', '--ops-url', `http://127.0.0.1:${ops.httpPort}`]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/transferred .*\[by lead\]/);
    expect(shown.stdout).toMatch(/completed .*ended-by-supervisor.*\[by lead\]/);
  });

  it('by the CLI: a waiting contact ended, an agent signed out; a desk token is refused with the gateway\'s reason', async () => {
    const gateway = `127.0.0.1:${mesh.gateway.port}`;
    const pbx = await token('pbx', 'platform');
    // Nobody available: s2 is away and s1 wraps up or is busy — sign s1 out first, by the CLI.
    const out = await cli(['supervise', 'sign-out', 's1', '--gateway', gateway, '--as', 'night-lead', '--reason', 'end of shift']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/s1 signed out/);
    await until('s1 offline', async () => {
      const r = await router.query({ query: 'agent', agentId: 's1' });
      return !r.ok || (r['agent'] as { presence: string }).presence === 'OFFLINE';
    });
    ok(await bufCurl(mesh.queues.port, `${QUEUE}/Enqueue`, { contact: { id: 'sv-2', channel: 'CHANNEL_PHONE', intent: 'billing', customer: { phoneNumber: '+4930123456' } } }, pbx));
    await until('sv-2 waiting', async () => (await contactState('sv-2'))?.state === 'QUEUED');
    const ended = await cli(['supervise', 'end-contact', 'sv-2', '--gateway', gateway, '--as', 'night-lead', '--reason', 'duplicate']);
    expect(ended.code, ended.stderr).toBe(0);
    expect(ended.stdout).toMatch(/ended sv-2 \(it was queued\)/);
    const abandoned = await until('sv-2 abandoned by the supervisor', async () => (await trace('sv-2')).events.find((e) => e['abandoned']));
    expect(abandoned).toMatchObject({ by: 'night-lead', abandoned: { reason: 'duplicate' } });
    // Re-prioritised by the CLI (QueueService): the last of three waiting calls moves to the front.
    for (const id of ['sv-4', 'sv-5', 'sv-6']) {
      ok(await bufCurl(mesh.queues.port, `${QUEUE}/Enqueue`, { contact: { id, channel: 'CHANNEL_PHONE', intent: 'billing', customer: { phoneNumber: '+4930123456' } } }, pbx));
    }
    await until('three calls waiting', async () => (await contactState('sv-6'))?.state === 'QUEUED');
    expect(await bufCurl(mesh.queues.port, `${QUEUE}/Reprioritize`, { contactId: 'sv-6', priority: 5 }, await token('s2'))).toMatchObject({ ok: false, code: 'permission_denied' });
    const moved = await cli(['supervise', 'reprioritize', 'sv-6', '5', '--queue-service', `127.0.0.1:${mesh.queues.port}`, '--as', 'night-lead', '--reason', 'complaint']);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toMatch(/sv-6 is now number 1 in its queue/);
    const waiting = await router.query({ query: 'waiting', queueId: 'general', limit: 10 });
    expect(((waiting.ok ? waiting['contacts'] : []) as { id: string }[]).map((c) => c.id)).toEqual(['sv-6', 'sv-4', 'sv-5']);
    expect(await until('the re-prioritisation in the trace', async () => (await trace('sv-6')).events.find((e) => e['reprioritized'])))
      .toMatchObject({ by: 'night-lead', reprioritized: { toPriority: 5, reason: 'complaint' } }); // from 0: proto3 JSON leaves it out
    for (const id of ['sv-4', 'sv-5', 'sv-6']) ok(await bufCurl(mesh.gateway.port, `${AGENT}/EndContact`, { contactId: id }, await token('lead', 'supervisor')));
    const refused = await cli(['supervise', 'presence', 's2', 'available', '--gateway', gateway, '--token', await token('s2')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/refused: .*(supervisor|role)/i);
  }, 90_000); // six CLI processes (tsx start-up each): 30 s is too short on a loaded machine

  it('UpdateAgent changes an agent\'s capacities at runtime: the next decision uses them, the record says who, later sign-ins keep them', async () => {
    const a = mesh.gateway.port;
    const [s1, lead, pbx] = [await token('s1'), await token('lead', 'supervisor'), await token('pbx', 'platform')];
    const update = (body: Record<string, unknown>, as = lead) => bufCurl(a, `${AGENT}/UpdateAgent`, { agentId: 's1', ...body }, as);
    expect(await update({ updateMask: 'capacities', capacities: [{ channel: 'CHANNEL_PHONE', maxConcurrent: 0 }] }, s1)).toMatchObject({ ok: false, code: 'permission_denied' });
    expect(await update({ updateMask: 'agentId' })).toMatchObject({ ok: false, code: 'invalid_argument', message: expect.stringContaining('update_mask') });
    expect(await update({ updateMask: 'queues', queues: [] })).toMatchObject({ ok: false, code: 'invalid_argument', message: expect.stringContaining('queues') });
    ok(await bufCurl(a, `${AGENT}/SignIn`, {}, s1));
    // No phone capacity: a call waits beside the free agent.
    expect(ok(await update({ updateMask: 'capacities', capacities: [{ channel: 'CHANNEL_PHONE', maxConcurrent: 0 }, { channel: 'CHANNEL_CHAT', maxConcurrent: 1 }], reason: 'chat only today' })))
      .toMatchObject({ agent: { id: 's1', capacities: expect.arrayContaining([{ channel: 'CHANNEL_CHAT', maxConcurrent: 1 }]) } });
    ok(await bufCurl(mesh.queues.port, `${QUEUE}/Enqueue`, { contact: { id: 'sv-3', channel: 'CHANNEL_PHONE', intent: 'billing', customer: { phoneNumber: '+4930123456' } } }, pbx));
    await until('sv-3 waiting', async () => (await contactState('sv-3'))?.state === 'QUEUED');
    await new Promise((r) => setTimeout(r, 300));
    expect((await contactState('sv-3'))?.state).toBe('QUEUED');
    // Phone back: offered at once, no restart, no sign-in.
    ok(await update({ updateMask: 'capacities', capacities: [{ channel: 'CHANNEL_PHONE', maxConcurrent: 1 }, { channel: 'CHANNEL_CHAT', maxConcurrent: 1 }] }));
    await offeredTo('sv-3', 's1');
    const changes = (await mesh.routingEvents()).filter((e) => e.profileChanged && e.agentId === 's1');
    expect(changes.map((e) => [e.by, e.profileChanged!.changed])).toEqual([['lead', ['capacity']], ['lead', ['capacity']]]);
    // Kept for later sign-ins: signed out and in again, s1 still has the supervisor's capacities.
    const out = await cli(['supervise', 'sign-out', 's1', '--gateway', `127.0.0.1:${a}`, '--as', 'lead']);
    expect(out.code, out.stderr).toBe(0);
    const again = ok(await bufCurl(a, `${AGENT}/SignIn`, {}, s1)) as { agent?: { capacities?: unknown[] } };
    expect(again.agent?.capacities).toEqual(expect.arrayContaining([{ channel: 'CHANNEL_CHAT', maxConcurrent: 1 }]));
    // What supervisors did concerning s1, by the CLI: its capacity changes and its sign-out, with who.
    const actions = await until('s1\'s supervised actions indexed', async () => {
      const shown = await cli(['trace', 's1', '--agent', '--ops-url', `http://127.0.0.1:${ops.httpPort}`]);
      return shown.code === 0 && /presenceChanged .*offline.*\[by lead\]/.test(shown.stdout) ? shown.stdout : undefined;
    }, 30_000);
    expect(actions).toMatch(/profileChanged +s1: capacity +\[by lead\]/);
    // Signed out earlier by the night lead (the CLI test), and again by the lead here.
    expect(actions).toMatch(/presenceChanged .*offline.*\[by night-lead\]/);
    expect(ok(await update({ resetToDirectory: true }))).toMatchObject({ agent: { capacities: expect.not.arrayContaining([{ channel: 'CHANNEL_CHAT', maxConcurrent: 1 }]) } });
  });
});
