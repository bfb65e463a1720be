import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startPrivateNats, startPrivateRedis, type PrivateServer } from '@switchboard/testkit';
import { OtlpReceiver } from './support/otlp-receiver.js';
import { PHONE_SECRET, runCli, startMesh, type Mesh } from './support/mesh.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve(check()).catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/**
 * Issue 7, must-show 1 and 2: a contact posted to ingest-phone reaches an agent's accept across
 * separate processes (ingest-phone, router, agent desk, ops), their spans arrive at an OTLP
 * receiver as ONE trace, and `switchboard trace <id>` prints the contact's timeline from ops.
 */
describe('one contact, one trace, across processes', () => {
  let nats: PrivateServer;
  let redis: PrivateServer;
  let otlp: OtlpReceiver;
  let mesh: Mesh;
  const domain = 'tracetest';

  beforeAll(async () => {
    [nats, redis, otlp] = await Promise.all([startPrivateNats(), startPrivateRedis(), OtlpReceiver.start()]);
    mesh = await startMesh({ natsUrl: nats.url, redisUrl: redis.url, domain, otlpUrl: otlp.url, agents: ['agent-7'] });
  }, 120_000);
  afterAll(async () => {
    await mesh?.stop();
    await otlp?.close();
    await Promise.all([nats?.destroy(), redis?.destroy()]);
  });

  it('traces ingest → router decision → offer → agent accept → complete as one trace, and the CLI prints the timeline', async () => {
    const response = await fetch(`${mesh.phoneUrl}/v1/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PHONE_SECRET}` },
      body: JSON.stringify({ callId: `call-${Date.now()}`, callerNumber: '+14155550100', dialledNumber: '4008001234', ivr: { intent: 'billing' } }),
    });
    expect(response.status).toBe(202);
    const { contactId } = (await response.json()) as { contactId: string };

    // Ops indexes the contact's journey; wait until the desk has accepted and completed it.
    type Trace = { traceId: string; events: Record<string, unknown>[] };
    const trace = await until(async () => {
      const res = await fetch(`${mesh.opsUrl}/api/contacts/${contactId}/trace`, { headers: mesh.opsHeaders });
      const body = (await res.json()) as Trace;
      return res.ok && body.events.some((e) => e.completed) ? body : undefined;
    }, 30_000, 'the contact to be completed');
    expect(trace.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(trace.events.map((e) => Object.keys(e).find((k) => ['queued', 'offered', 'accepted', 'completed'].includes(k))).filter(Boolean))
      .toEqual(expect.arrayContaining(['offered', 'accepted', 'completed']));

    // The contact's trace (the id ops learned from the CONTACTS message) holds every side.
    const spans = await until(() => {
      const found = otlp.trace(trace.traceId);
      const services = new Set(found.map((s) => s.service));
      return ['ingest-phone', 'router', 'agent-desk'].every((s) => services.has(s)) && found.some((s) => s.name === 'desk handle offer')
        && found.filter((s) => s.service === 'router' && s.name.startsWith('process sb.router')).length >= 2 ? found : undefined;
    }, 20_000, 'spans from ingest, router and the agent desk in one trace');
    const names = spans.map((s) => `${s.service}: ${s.name}`);
    expect(names).toEqual(expect.arrayContaining([
      'ingest-phone: receive phone generic',
      'ingest-phone: publish sb.contacts.{domain}.phone',
      'router: process sb.contacts.{domain}.{channel}',
      'router: route contact',
      'router: publish sb.agent.{domain}.{agentId}',
      'agent-desk: process sb.agent.{domain}.{agentId}',
      'agent-desk: desk handle offer',
    ]));
    const decision = spans.find((s) => s.name === 'route contact')!;
    expect(decision.attributes).toMatchObject({ 'switchboard.queue': 'general', 'switchboard.ring': 0, 'switchboard.agent.id': 'agent-7',
      'switchboard.rule_version': 'load-1', 'switchboard.contact.id': contactId });
    expect(Number(decision.attributes['switchboard.candidates.considered'])).toBeGreaterThanOrEqual(1);
    expect(decision.attributes).toHaveProperty('switchboard.score');
    // Every span but the root has its parent in the same trace: one tree, not fragments.
    const ids = new Set(spans.map((s) => s.spanId));
    expect(spans.filter((s) => s.parentSpanId && !ids.has(s.parentSpanId))).toEqual([]);

    // Must-show 2: the CLI, as its own process, prints the timeline with the decision explanation.
    const cli = await runCli(['trace', contactId, '--ops-url', mesh.opsUrl]);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`contact ${contactId}`);
    expect(cli.stdout).toContain(`trace   ${trace.traceId}`);
    expect(cli.stdout).toMatch(/offered\s+to agent-7 in general/);
    expect(cli.stdout).toMatch(/why: trigger CONTACT_QUEUED · queue general · ring 0 · strategy LONGEST_IDLE · rules load-1/);
    expect(cli.stdout).toMatch(/1 considered, 1 eligible → chose agent-7/);
    expect(cli.stdout).toMatch(/accepted\s+by agent-7/);
    expect(cli.stdout).toMatch(/completed\s+by agent-7/);
    process.stdout.write(`\n${cli.stdout}\n`);

    const json = await runCli(['trace', contactId, '--ops-url', mesh.opsUrl, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ traceId: trace.traceId });
    const missing = await runCli(['trace', 'no-such-contact', '--ops-url', mesh.opsUrl]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no contact "no-such-contact"');
    const closed = `http://127.0.0.1:${await freePort()}`;
    const down = await runCli(['queues', '--ops-url', closed]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`ops at ${closed} is not running`);
  }, 90_000);
});
