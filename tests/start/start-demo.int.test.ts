import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateNats, startPrivateRedis, type PrivateServer } from '@switchboard/testkit';
import { opsAuthorization } from '../support/ops-auth.js';
import { holdings, interrupt, poll, restartTwice } from './support/demo-restart.js';
import { childrenOf, launcherEnv, ROOT, running, spawnLauncher } from './support/launcher.js';

/** The value of the first `name` series holding every label, summed over the rest; 0 when absent. */
async function metric(url: string, name: string, labels: Record<string, string>): Promise<number> {
  const text = await fetch(url).then((r) => r.text(), () => '');
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** `switchboard <args>` as its own process (as `pnpm -s switchboard` runs it). */
function switchboard(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', '--conditions=@switchboard/source', 'packages/cli/src/main.ts', ...args], { cwd: ROOT, env, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
  });
}

type KpiRow = { queueId: string; offered?: number; accepted?: number };
type Trace = { events?: { offered?: unknown; accepted?: unknown }[] };
type Snapshot = { queues?: { queueId: string }[]; agents?: { id: string }[] };

/** A recent contact whose trace in ops shows it offered to and accepted by an agent, if any. */
async function routedContact(ops: string, headers: Record<string, string>): Promise<string | undefined> {
  const { contactIds = [] } = (await (await fetch(`${ops}/api/contacts?limit=50`, { headers })).json()) as { contactIds?: string[] };
  for (const id of contactIds) {
    const trace = (await (await fetch(`${ops}/api/contacts/${id}/trace`, { headers })).json()) as Trace;
    if (trace.events?.some((e) => e.offered) && trace.events.some((e) => e.accepted)) return id;
  }
  return undefined;
}

describe('pnpm start --demo', () => {
  let nats: PrivateServer;
  let redis: PrivateServer;
  beforeAll(async () => { [nats, redis] = await Promise.all([startPrivateNats(), startPrivateRedis()]); });
  afterAll(async () => { await Promise.all([nats?.destroy(), redis?.destroy()]); });

  it('brings the mesh up, routes demo contacts from every ingestion channel, stops cleanly on SIGINT, and restarted twice holds nothing of the run before', async () => {
    const { env, ports } = await launcherEnv(nats, redis, { CHAT_ABANDON_GRACE_MS: '1000' });
    const args = ['start', '--demo', '--rate', '240', '--speed', '30', '--agents', '10'];
    const { launcher, output } = spawnLauncher(args, env);
    const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
    const ops = `http://127.0.0.1:${ports.OPS_HTTP_PORT}`;
    let headers: Record<string, string> = {};
    let heldAtStop = 0;
    try {
      const router = `http://127.0.0.1:${ports.ROUTER_HTTP_PORT}/metrics`;
      await expect.poll(() => metric(router, 'sb_offer_results_total', { result: 'accepted' }), { timeout: 50_000, interval: 500 })
        .toBeGreaterThanOrEqual(4);
      expect(output()).toContain('Switchboard is running');
      expect(output()).toContain('agents signed in');
      // Contacts came in through the real endpoints of every channel the demo speaks.
      const accepted = async (port: string, channel: string) => metric(`http://127.0.0.1:${port}/metrics`, 'sb_ingest_results_total', { channel, result: 'accepted' });
      await expect.poll(async () => Math.min(await accepted(ports.INGEST_PHONE_PORT!, 'phone'), await accepted(ports.INGEST_CHAT_PORT!, 'chat'),
        await accepted(ports.INGEST_WECHAT_PORT!, 'wechat'), await accepted(ports.INGEST_EMAIL_PORT!, 'email')), { timeout: 20_000, interval: 500 }).toBeGreaterThan(0);

      // Must-show 4: the routed demo contacts are visible where an operator looks — the ops API
      // behind the console, the console page itself, and `switchboard kpis`.
      // The console behind its login: the banner's one-time dev link signs a browser in once.
      expect((await fetch(`${ops}/`, { redirect: 'manual' })).status).toBe(401);
      const link = /http:\/\/127\.0\.0\.1:\d+\/auth\/dev-login\?token=[\w-]+/.exec(output())?.[0];
      expect(link, 'the banner prints the dev login link').toBeDefined();
      const login = await fetch(link!, { redirect: 'manual' });
      expect(login.status).toBe(302);
      const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const page = await fetch(`${ops}/`, { headers: { cookie } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect((await fetch(`${ops}/api/snapshot`, { headers: { cookie } })).status).toBe(200);
      expect((await fetch(link!, { redirect: 'manual' })).status, 'the link works once').toBe(401);
      const { domain } = (await (await fetch(`${ops}/readyz`)).json()) as { domain: string };
      headers = await opsAuthorization(domain, 'supervisor', env.SWITCHBOARD_JWT_SECRET!);
      const snapshot = (await (await fetch(`${ops}/api/snapshot`, { headers })).json()) as Snapshot;
      expect(snapshot.queues?.length ?? 0).toBeGreaterThan(0);
      expect(snapshot.agents?.length ?? 0).toBeGreaterThanOrEqual(10); // the demo's agents, signed in
      // The console's supervisor controls reach the launcher's agent gateway as the developer who logged in.
      const { csrfToken } = (await (await fetch(`${ops}/auth/session`, { headers: { cookie } })).json()) as { csrfToken: string };
      const acted = await fetch(`${ops}/api/agents/${encodeURIComponent(snapshot.agents![0]!.id)}/presence`, { method: 'POST',
        headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' }, body: JSON.stringify({ presence: 'AVAILABLE' }) });
      expect(await acted.json(), 'a console action under pnpm start').toMatchObject({ by: 'developer' });
      await expect.poll(() => routedContact(ops, headers), { timeout: 20_000, interval: 1_000 }).toBeDefined();
      const kpis = await switchboard(['kpis', '--json', '--since', '10m', '--ops-url', ops], env);
      expect(kpis.code, kpis.stderr).toBe(0);
      const rows = (JSON.parse(kpis.stdout) as { kpis: KpiRow[] }).kpis;
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.reduce((n, r) => n + (r.accepted ?? 0), 0)).toBeGreaterThanOrEqual(4);
      const table = await switchboard(['kpis', '--since', '10m', '--ops-url', ops], env);
      expect(table.code, table.stderr).toBe(0);
      for (const row of rows.filter((r) => (r.accepted ?? 0) > 0)) expect(table.stdout).toContain(`│ ${row.queueId} `);
      // Desks holding work when Ctrl-C comes: what the restarts below must not leave stuck.
      heldAtStop = (await poll('desks holding work', async () => {
        const now = await holdings(ops, headers);
        return now.length >= 3 ? now : undefined;
      }, 30_000)).length;
    } catch (error) {
      launcher.kill('SIGKILL');
      throw new Error(`${(error as Error).message}\n--- launcher output ---\n${output().slice(-6_000)}`);
    }
    const children = childrenOf(launcher.pid!);
    expect(children.length).toBeGreaterThanOrEqual(6); // every service is its own process

    launcher.kill('SIGINT');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
    expect(code, output().slice(-4_000)).toBe(0);
    expect(output()).toContain('all stopped');
    expect(output()).not.toContain('CRASHED');
    // Ingest stopped before the router.
    expect(output().indexOf('stopping ingest-')).toBeLessThan(output().indexOf('stopping router'));
    // A zombie has exited (its parent, the launcher, is gone; init reaps it): only live processes count.
    const left = children.filter(running).map((pid) => `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')}`);
    expect(left).toEqual([]);

    // Issue 13, must-show 3: `pnpm start --demo` again, twice, on the same NATS and Redis.
    const { run, figures } = await restartTwice(args, env, ops, headers, heldAtStop);
    process.stdout.write(`${JSON.stringify({ demoRestarts: figures })}\n`);
    expect(await interrupt(run), run.output().slice(-3_000)).toBe(0);
  }, 330_000);
});
