import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { startOps, type RunningOps } from '@switchboard/ops';
import type { RouterClient } from '@switchboard/router-api';
import { opsAuthorization } from '../support/ops-auth.js';
import { agent, agentRules } from './support/fixtures.js';
import { Mesh, SECRET, TOKENS, until } from './support/mesh.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let meshDomain = 'default';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('pnpm', ['-s', 'switchboard', ...args], { cwd: ROOT, env: { ...process.env, SWITCHBOARD_JWT_SECRET: SECRET, SWITCHBOARD_DOMAIN: meshDomain }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

/**
 * A supervisor changes a queue's hours, closes it for an emergency and switches surge with the
 * CLI (QueueService); the router's engine acts on it, the changes land on ROUTING with their
 * reasons, and ops (API and `switchboard queues`) shows the mode and the history.
 */
describe('switchboard queues hours and surge, end to end', () => {
  let mesh: Mesh;
  let ops: RunningOps;
  let router: RouterClient;
  beforeAll(async () => {
    mesh = await Mesh.start({ rules: agentRules(), agents: [agent('s1')], graceSeconds: 30 });
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

  const qs = () => ['--queue-service', `127.0.0.1:${mesh.queues.port}`, '--as', 'night-lead'];
  const mode = async () => {
    const reply = await router.query({ query: 'queue', queueId: 'general' });
    return (reply.ok ? (reply['queue'] as { mode?: unknown }).mode : undefined) as { open: boolean; surge: { active: boolean; pinned: boolean; source?: string } } | undefined;
  };

  it('sets hours, closes and reopens, switches surge, and ops shows it all with the reasons', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-hours-'));
    const file = join(dir, 'hours.json');
    writeFileSync(file, JSON.stringify({ timeZone: 'Asia/Shanghai', weekly: [1, 2, 3, 4, 5, 6, 7].map((isoWeekday) => ({ isoWeekday, windows: [{ open: '00:00', close: '24:00' }] })),
      holidays: [{ date: '2099-10-01', name: 'National Day', windows: [] }] }));
    const hours = await cli(['queues', 'hours', 'general', '--file', file, ...qs()]);
    expect(hours.code, hours.stderr).toBe(0);
    expect(hours.stdout).toMatch(/general: version \d+; hours in Asia\/Shanghai: 7 weekdays open, 1 holidays; no emergency closure/);

    const closed = await cli(['queues', 'hours', 'general', '--close', 'system outage', ...qs()]);
    expect(closed.code, closed.stderr).toBe(0);
    expect(closed.stdout).toContain('closed for emergency: "system outage"');
    await until('general closed', async () => ((await mode())?.open === false ? true : undefined));

    const surge = await cli(['queues', 'surge', 'general', 'on', '--reason', 'storm warning', ...qs()]);
    expect(surge.code, surge.stderr).toBe(0);
    expect(surge.stdout).toContain('general: surge on (pinned until set back to auto)');
    expect(await mode()).toMatchObject({ surge: { active: true, pinned: true, source: 'SUPERVISOR' } });
    const refused = await cli(['queues', 'surge', 'general', 'off', ...qs()]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--reason is required');

    const reopened = await cli(['queues', 'hours', 'general', '--reopen', ...qs()]);
    expect(reopened.code, reopened.stderr).toBe(0);
    await until('general open again', async () => ((await mode())?.open === true ? true : undefined));

    const headers = await opsAuthorization(mesh.domain, 'supervisor', SECRET);
    const general = await until('the changes on the snapshot', async () => {
      const body = (await (await fetch(`http://127.0.0.1:${ops.httpPort}/api/snapshot`, { headers })).json()) as { modes?: Record<string, unknown>[] };
      const m = body.modes?.find((x) => x.queueId === 'general');
      return ((m?.changes as unknown[] | undefined)?.length ?? 0) >= 3 ? m : undefined;
    });
    expect(general).toMatchObject({ open: true, reason: 'SCHEDULE', surgeActive: true, surgePinned: true, surgeSource: 'SUPERVISOR',
      hours: { timeZone: 'Asia/Shanghai', holidays: [{ date: '2099-10-01', name: 'National Day' }] } });
    const changes = general.changes as Record<string, Record<string, unknown> | string | undefined>[];
    // Lifting the closure is an edit of the queue: the engine records it as CONFIG.
    expect(changes[0]).toMatchObject({ hoursChanged: { open: true, reason: 'CONFIG' } });
    expect(changes[1]).toMatchObject({ by: 'night-lead', surgeChanged: { active: true, source: 'SUPERVISOR', reason: 'storm warning' } });
    expect(changes[2]).toMatchObject({ hoursChanged: { reason: 'EMERGENCY' } });

    const table = await cli(['queues', '--ops-url', `http://127.0.0.1:${ops.httpPort}`]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/general.*open \(schedule\).*on \(supervisor, pinned\)/s);
  }, 120_000);
});
