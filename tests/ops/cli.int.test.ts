import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateNats, startPrivateRedis, type PrivateServer } from '@switchboard/testkit';
import { postCall, runCli, startMesh, type Mesh } from './support/mesh.js';

type Cli = Awaited<ReturnType<typeof runCli>>;

/** Polls `probe` every 200 ms until it returns a value; throws naming `what` after `timeoutMs`. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Exit code 0, nothing on stderr, and the output parsed when `json`. */
function ok(run: Cli): string {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run.stdout;
}
const json = <T>(run: Cli): T => JSON.parse(ok(run)) as T;

/**
 * Issue 7: the ops CLI commands, each run as its own process against a real ops service fed by
 * real routing (ingest-phone → router → desk processes), with and without `--json`.
 */
describe('switchboard queues, agents, kpis and audit against a running ops service', () => {
  let nats: PrivateServer;
  let redis: PrivateServer;
  let mesh: Mesh;
  const cli = (...args: string[]) => runCli([...args, '--ops-url', mesh.opsUrl]);

  beforeAll(async () => {
    [nats, redis] = await Promise.all([startPrivateNats(), startPrivateRedis()]);
    mesh = await startMesh({ natsUrl: nats.url, redisUrl: redis.url, domain: 'clitest', agents: [] });
  }, 120_000);
  afterAll(async () => {
    await mesh?.stop();
    await Promise.all([nats?.destroy(), redis?.destroy()]);
  });

  it('show waiting contacts, then the agents, KPIs and a clean audit once they were served', async () => {
    // No agent yet: three calls wait in the general queue.
    for (let i = 0; i < 3; i++) await postCall(mesh.phoneUrl, `cli-call-${Date.now()}-${i}`);
    type Snapshot = { queues?: { queueId: string; depth?: number; oldestWaitSeconds?: number }[] };
    await until('three waiting in ops', async () => {
      const snap = (await (await fetch(`${mesh.opsUrl}/api/snapshot`, { headers: mesh.opsHeaders })).json()) as Snapshot;
      return snap.queues?.find((q) => q.queueId === 'general')?.depth === 3 ? snap : undefined;
    });
    const [queuesJson, queuesTable] = await Promise.all([cli('queues', '--json'), cli('queues')]);
    const waiting = json<{ queues: { queueId: string; depth: number; oldestWaitSeconds: number }[]; targets: unknown[] }>(queuesJson);
    expect(waiting.queues).toEqual([expect.objectContaining({ queueId: 'general', depth: 3 })]);
    expect(waiting.queues[0]!.oldestWaitSeconds).toBeGreaterThan(0);
    expect(waiting.targets).toEqual([{ queueId: 'general', kind: 'PRIORITY', serviceLevelShare: 0.8, serviceLevelSeconds: 20 }]);
    expect(ok(queuesTable)).toMatch(/│ queue\s+│ kind\s+│ open\s+│ next change\s+│ surge\s+│ waiting\s+│ oldest\s+│ service level\s+│ forecast\s+│ target/);
    expect(queuesTable.stdout).toMatch(/│ general\s+│ PRIORITY\s+│ open \(schedule\)\s+│ —\s+│ off\s+│ 3\s+│ \d\d:\d\d\s+│ .+│ .+│ 80\.0% in 20s\s+│/);

    // Two desks sign in and serve them.
    await Promise.all([mesh.startDesk('cli-1', 300), mesh.startDesk('cli-2', 300)]);
    await until('all three finished', async () => {
      const audit = (await (await fetch(`${mesh.opsUrl}/api/audit`, { headers: mesh.opsHeaders })).json()) as { contactsFinished?: number };
      return audit.contactsFinished === 3 ? audit : undefined;
    });

    // Agent performance follows ROUTING on its own: wait until it has the three wrap-ups too.
    type PerfRow = { agentId: string; contactsHandled?: number; accepted?: number; busySeconds?: number; ahtSeconds?: number | string };
    const handled = (rows: PerfRow[]) => rows.reduce((n, r) => n + (r.contactsHandled ?? 0), 0);
    await until('agent performance of the three', async () => {
      const body = (await (await fetch(`${mesh.opsUrl}/api/agents/performance?interval=range&from=10m`, { headers: mesh.opsHeaders })).json()) as { rows?: PerfRow[] };
      return handled(body.rows ?? []) === 3 ? body : undefined;
    });
    const [agentsJson, agentsTable, kpisJson, kpisTable, auditJson, auditTable, otherQueue, perfJson] = await Promise.all([
      cli('agents', '--json'), cli('agents'), cli('kpis', '--json', '--since', '10m'), cli('kpis'), cli('audit', '--json'), cli('audit'),
      cli('kpis', '--queue', 'quiet', '--json'), cli('agents', '--interval', 'range', '--from', '10m', '--json'),
    ]);
    // Real routing through the router: the two desks handled the three calls, each held 300 ms.
    const perf = json<{ rows: PerfRow[] }>(perfJson).rows;
    expect(perf.map((r) => r.agentId).sort()).toEqual(['cli-1', 'cli-2']);
    expect(handled(perf)).toBe(3);
    expect(perf.reduce((n, r) => n + (r.accepted ?? 0), 0)).toBe(3);
    for (const r of perf.filter((x) => (x.contactsHandled ?? 0) > 0)) {
      expect(Number(r.ahtSeconds)).toBeGreaterThanOrEqual(0.25);
      expect(r.busySeconds).toBeGreaterThanOrEqual(0.25 * (r.contactsHandled ?? 0));
    }
    const { agents, offers } = json<{ agents: { id: string; team: string; presence: { presence: string }; queues: { queueId: string }[] }[]; offers: unknown[] }>(agentsJson);
    expect(agents.map((a) => a.id).sort()).toEqual(['cli-1', 'cli-2']);
    for (const a of agents) expect(a).toMatchObject({ team: 'general', presence: { presence: 'PRESENCE_AVAILABLE' }, queues: [{ queueId: 'general' }] });
    expect(offers).toEqual([]);
    expect(ok(agentsTable)).toMatch(/│ agent\s+│ team\s+│ state\s+│ held/);
    expect(agentsTable.stdout).toMatch(/│ cli-1\s+│ general\s+│ available\s+│ 0\s+│ —\s+│ general\s+│/);
    expect(agentsTable.stdout).toMatch(/│ cli-2\s+│ general\s+│ available\s+│/);

    const { kpis } = json<{ kpis: { queueId: string; offered: number; accepted: number; completed: number; serviceLevel: number; asaSeconds: number; ahtSeconds: number }[] }>(kpisJson);
    expect(kpis).toHaveLength(1);
    expect(kpis[0]).toMatchObject({ queueId: 'general', offered: 3, accepted: 3, completed: 3, serviceLevel: 1 });
    expect(kpis[0]!.asaSeconds).toBeGreaterThan(0); // they waited for the desks
    expect(kpis[0]!.ahtSeconds).toBeGreaterThanOrEqual(0.25); // each desk holds a call 300 ms
    expect(ok(kpisTable)).toMatch(/│ queue\s+│ interval \(UTC\)\s+│ SL\s+│ ASA\s+│ AHT/);
    expect(kpisTable.stdout).toMatch(/│ general\s+│ \d\d:\d\d–\d\d:\d\d\s+│ 100\.0%\s+│ [\d.]+s\s+│ [\d.]+s\s+│ .+│ 3\s+│ 3\s+│ 0\s+│ 0\s+│ 0\s+│ 3\s+│/);
    // A queue without routing in the range has a row with no figures ("no data", not 0 %).
    // (proto3 JSON writes a NaN double as the string "NaN").
    const quiet = json<{ kpis: { queueId: string; offered?: number; serviceLevel?: number | string | null }[] }>(otherQueue).kpis;
    expect(quiet).toEqual([expect.objectContaining({ queueId: 'quiet' })]);
    expect(quiet[0]!.offered ?? 0).toBe(0);
    expect([null, 'NaN']).toContain(quiet[0]!.serviceLevel ?? null);

    expect(json<Record<string, unknown>>(auditJson)).toMatchObject({ contactsAccepted: 3, contactsFinished: 3 });
    expect(JSON.parse(auditJson.stdout).findings ?? []).toEqual([]);
    expect(ok(auditTable)).toMatch(/│ 3\s+│ 3\s+│ 0\s+│ 0\s+│/);
    expect(auditTable.stdout).toContain('no findings');
  }, 110_000);

  it('staffing: agents needed for the served calls beside the desks signed in, as a table and as JSON', async () => {
    type Staffing = { queues: { queueId: string; agentsSignedIn?: number; intervals: { agentsNeeded?: number; channels?: { channel: string; arrivals: number; basis: string; model: string }[] }[] }[] };
    // The recorder counts the three calls into Redis on its own durable: poll until they show.
    const body = await until('the three calls counted', async () => {
      const run = await cli('staffing', '--json', '--queue', 'general', '--intervals', '4');
      const parsed = json<Staffing>(run);
      return parsed.queues[0]?.intervals.some((i) => i.channels?.some((c) => c.arrivals > 0)) ? parsed : undefined;
    });
    const general = body.queues[0]!;
    expect(general).toMatchObject({ queueId: 'general', agentsSignedIn: 2 });
    expect(general.intervals).toHaveLength(5);
    // No past weeks: the live rate carried forward; 300 ms calls at a few an interval need one agent (Erlang C: nobody abandoned).
    expect(general.intervals[0]).toMatchObject({ agentsNeeded: 1, channels: [expect.objectContaining({ channel: 'phone', basis: 'live', model: 'erlang-c' })] });
    const tableRun = await cli('staffing', '--queue', 'general');
    expect(ok(tableRun)).toMatch(/│ queue\s+│ interval \(UTC\)\s+│ target\s+│ agents needed\s+│ signed in\s+│ gap\s+│ per channel/);
    expect(tableRun.stdout).toMatch(/│ general\s+│ \d\d:\d\d–\d\d:\d\d \(now\)\s+│ 80\.0% in 20s\s+│ 1\s+│ 2 \(2 routable\)\s+│ spare 1\s+│ phone [\d.]+\/15m · AHT 0s → 1/);
    expect((await cli('staffing', '--intervals', '0')).stderr).toContain('--intervals');
  }, 60_000);
});
